import { BadRequestException, Controller, Get, Param, ParseUUIDPipe, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { listDeviations } from '../../call-log/wire-deviation.store';
import { ConnectionsService } from '../../connections/connections.service';
import { listRejections, RejectedObjectView } from '../../intake/rejected-objects';
import { ConsoleSessionGuard } from '../console-auth';
import { ConsoleExceptionFilter } from '../console-exception.filter';
import { utc } from '../format';
import { html, Html } from '../html';
import { layout, sendPage } from '../layout';

/** The modules whose objects can be rejected (as the operations API's rejected-objects filter). */
const REJECTING_MODULES = ['locations', 'tariffs', 'sessions', 'cdrs', 'hubclientinfo'] as const;
/** How many rejections one page lists (the newest). */
const REJECTIONS_SHOWN = 200;
/** Deviations over this many days (UTC days, today included). */
const DEVIATION_DAYS = 30;

/** The raw payload, pretty-printed, folded under a summary (`<details>`: opens without script). */
function rawPayload(raw: unknown): Html {
  return html`<details class="raw">
    <summary>raw payload</summary>
    <pre>${JSON.stringify(raw, null, 2)}</pre>
  </details>`;
}

function rejectionRow(r: RejectedObjectView): Html {
  return html`<tr class="rejection" data-rejection="${r.id}">
    <td>${utc(r.received_at)}</td>
    <td>${r.module}</td>
    <td>${r.sync_run_id ? 'pulled' : 'pushed'}</td>
    <td>${r.country_code ?? '?'}*${r.party_id ?? '?'}</td>
    <td><code>${r.object_id ?? '—'}</code></td>
    <td>${r.ocpi_version}</td>
    <td class="reason">${r.reason}</td>
    <td>${rawPayload(r.raw)}</td>
  </tr>`;
}

/**
 * GET /console/health/{id}/rejected[?module=]: the objects this CPO sent that failed validation (newest first, at most
 * 200), each with its reason and its raw payload (folded), and what it bends that we tolerate (wire deviations over
 * the last 30 days: module, kind, field, count, last value seen). 400 for an unknown module, 404 for an unknown CPO.
 */
@ApiExcludeController()
@Controller('console/health')
@UseGuards(ConsoleSessionGuard)
@UseFilters(ConsoleExceptionFilter)
export class RejectedPage {
  constructor(
    private readonly connections: ConnectionsService,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  @Get(':id/rejected')
  async rejected(@Param('id', new ParseUUIDPipe()) id: string, @Query('module') module: string | undefined, @Res() reply: FastifyReply) {
    if (module !== undefined && module !== '' && !(REJECTING_MODULES as readonly string[]).includes(module)) {
      throw new BadRequestException(`module must be one of ${REJECTING_MODULES.join(', ')}, got "${module}"`);
    }
    const chosen = module || null;
    const connection = await this.connections.get(id);
    const [rejections, deviations] = await Promise.all([listRejections(this.db, id, { module: chosen, limit: REJECTIONS_SHOWN }), listDeviations(this.db, id, DEVIATION_DAYS)]);
    const body = html`<div class="actions"><a href="/console/health/${id}">Health of ${connection.name}</a></div>
      <form method="get" class="filters">
        <label
          >Module
          <select name="module">
            <option value="">all</option>
            ${REJECTING_MODULES.map((m) => html`<option value="${m}" ${m === chosen ? html`selected` : ''}>${m}</option>`)}
          </select></label
        >
        <button type="submit">Show</button>
      </form>
      <h2>Rejected objects${chosen ? ` (${chosen})` : ''}</h2>
      ${
        rejections.length === 0
          ? html`<p class="muted">Nothing rejected.</p>`
          : html`<table class="rejections">
              <thead>
                <tr>
                  <th>Received</th>
                  <th>Module</th>
                  <th>How</th>
                  <th>Party</th>
                  <th>Object id</th>
                  <th>Version</th>
                  <th>Why refused</th>
                  <th>Payload</th>
                </tr>
              </thead>
              <tbody>
                ${rejections.map(rejectionRow)}
              </tbody>
            </table>`
      }
      <h2>Deviations tolerated (last ${DEVIATION_DAYS} days)</h2>
      ${
        deviations.length === 0
          ? html`<p class="muted">None: everything this CPO sent was as the spec says.</p>`
          : html`<table class="deviations">
              <thead>
                <tr>
                  <th>Module</th>
                  <th>Kind</th>
                  <th>Field</th>
                  <th>Count</th>
                  <th>Last value seen</th>
                  <th>Last seen</th>
                </tr>
              </thead>
              <tbody>
                ${deviations.map(
                  (d) =>
                    html`<tr>
                      <td>${d.module}</td>
                      <td>${d.kind}</td>
                      <td><code>${d.field}</code></td>
                      <td class="num">${d.count}</td>
                      <td><code>${d.example ?? '—'}</code></td>
                      <td>${utc(d.last_seen_at)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }`;
    return sendPage(reply, layout({ title: `Rejected objects and deviations of ${connection.name}`, path: `/console/health/${id}/rejected`, body }));
  }
}
