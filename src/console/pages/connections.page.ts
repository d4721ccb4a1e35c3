import { Controller, Get, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AppConfig } from '../../config/app-config';
import { ConnectionView, toConnectionView } from '../../connections/connection.view';
import { ConnectionsService } from '../../connections/connections.service';
import { CONNECTION_MODULES, ScheduleSettings, scheduleSettingsOf } from '../../connections/module-modes';
import { ConsoleSessionGuard } from '../console-auth';
import { ConsoleExceptionFilter } from '../console-exception.filter';
import { age, utc } from '../format';
import { html, Html } from '../html';
import { layout, sendPage } from '../layout';
import { circuitTag, statusTag } from './connection-tags';

/** The latest pull of any module of the connection (its start and status), or null when never pulled. */
function lastSync(c: ConnectionView): { started_at: string; status: string } | null {
  const runs = CONNECTION_MODULES.map((m) => c.modules[m].schedule.last_run).filter((r) => r !== null);
  return runs.sort((a, b) => b.started_at.localeCompare(a.started_at))[0] ?? null;
}

function row(c: ConnectionView): Html {
  const last = lastSync(c);
  return html`<tr>
    <td>
      <a href="/console/connections/${c.id}">${c.name}</a>${c.needs_attention && html` <span class="tag bad" title="${c.needs_attention.what_happened}">needs attention</span>`}
    </td>
    <td>${statusTag(c.status)}</td>
    <td>${c.ocpi_version ?? '—'}</td>
    <td>${c.parties.map((p) => html`<span class="tag" title="${p.name ?? ''}">${p.country_code}*${p.party_id} ${p.role}</span> `)}</td>
    <td>
      ${CONNECTION_MODULES.map((m) => html`<span class="tag" title="${m}: ${c.modules[m].pulled ? 'pulled' : 'not pulled'}, ${c.modules[m].received ? 'received' : 'not received'}">${m} ${c.modules[m].mode}</span> `)}
    </td>
    <td>${last ? html`${last.status} <span class="muted" title="${utc(last.started_at)}">${age(last.started_at)} ago</span>` : html`<span class="muted">never</span>`}</td>
    <td>${circuitTag(c.circuit.state)}</td>
  </tr>`;
}

/** GET /console/connections: every CPO connection, one line each, with links to each one and to adding one. */
@ApiExcludeController()
@Controller('console/connections')
@UseGuards(ConsoleSessionGuard)
@UseFilters(ConsoleExceptionFilter)
export class ConnectionsPage {
  private readonly schedules: ScheduleSettings;

  constructor(
    config: AppConfig,
    private readonly connections: ConnectionsService,
  ) {
    this.schedules = scheduleSettingsOf(config.env);
  }

  @Get()
  async list(@Res() reply: FastifyReply) {
    const connections = (await this.connections.list()).map((c) => toConnectionView(c, this.schedules));
    const body = html`<div class="actions"><a href="/console/connections/new">Add a CPO</a></div>
      ${
        connections.length === 0
          ? html`<p class="muted">No CPO connected yet.</p>`
          : html`<table>
              <thead>
                <tr>
                  <th>CPO</th>
                  <th>Handshake</th>
                  <th>Version</th>
                  <th>Parties</th>
                  <th>Modules (mode)</th>
                  <th>Last sync</th>
                  <th>Circuit</th>
                </tr>
              </thead>
              <tbody>
                ${connections.map(row)}
              </tbody>
            </table>`
      }`;
    return sendPage(reply, layout({ title: 'Connections', path: '/console/connections', body }));
  }
}
