import { Controller, Get, Param, ParseUUIDPipe, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AppConfig } from '../../config/app-config';
import { ConnectionView, toConnectionView } from '../../connections/connection.view';
import { ConnectionsService } from '../../connections/connections.service';
import { ScheduleSettings, scheduleSettingsOf } from '../../connections/module-modes';
import { ConsoleSessionGuard } from '../console-auth';
import { ConsoleExceptionFilter } from '../console-exception.filter';
import { age, utc } from '../format';
import { CpoHealth, emptyHealth, goneQuiet, HEALTH_MODULES, HealthFigures, ModuleHealth, QUIET_AFTER_HOURS } from '../health-figures';
import { html, Html } from '../html';
import { layout, sendPage } from '../layout';
import { barChart } from '../svg-chart';
import { circuitTag, statusTag } from './connection-tags';

/** Chart colours: pushes taken, pushes refused (REJECTED or FAILED), failed calls logged. */
const COLOURS = { accepted: '#2e7d4f', refused: '#d9822b', errors: '#c0392b' };

/** A lag as `42 s`, `5 min`, `3 h`, `12 days`. */
function lagText(seconds: number | null): string {
  return seconds === null ? '—' : age(new Date(Date.now() - seconds * 1000));
}

/** A module's lag, flagged when it is more than twice its pull interval (a pulled module only). */
function lagCell(view: ConnectionView, module: (typeof HEALTH_MODULES)[number], m: ModuleHealth): Html {
  const mode = view.modules[module];
  if (!mode.pulled) return html`<span class="muted" title="not pulled (${mode.mode})">—</span>`;
  if (m.lag_seconds === null) return html`<span class="tag warn" title="no pull of ${module} succeeded yet">never</span>`;
  const interval = mode.schedule.interval_minutes;
  const late = interval !== null && m.lag_seconds > 2 * interval * 60;
  return html`<span class="${late ? 'tag bad' : ''}" title="last successful pull started ${utc(m.last_success?.started_at)}">${lagText(m.lag_seconds)}</span>`;
}

function quietTag(view: ConnectionView, health: CpoHealth): Html | '' {
  return goneQuiet(view.status, health)
    ? html`<span class="tag bad quiet" title="no push and no successful pull for more than ${QUIET_AFTER_HOURS} h (last heard ${utc(health.last_heard_at)})">gone quiet</span>`
    : '';
}

function overviewRow(view: ConnectionView, health: CpoHealth): Html {
  const rejected = HEALTH_MODULES.reduce((n, m) => n + health.modules[m].rejected, 0);
  const failing = HEALTH_MODULES.filter((m) => health.modules[m].last_error !== null);
  return html`<tr data-connection="${view.id}">
    <td><a href="/console/health/${view.id}">${view.name}</a> ${quietTag(view, health)}</td>
    <td>${statusTag(view.status)}</td>
    <td>${circuitTag(view.circuit.state)}</td>
    ${HEALTH_MODULES.map((m) => html`<td>${lagCell(view, m, health.modules[m])}</td>`)}
    <td class="num">${rejected}</td>
    <td class="num pushes-hour">${health.pushes_this_hour}</td>
    <td class="num pushes-day">${health.pushes_last_day}</td>
    <td class="num errors-day">${health.errors_last_day}</td>
    <td>
      ${failing.length > 0 ? html`<span class="tag bad">${failing.join(', ')} failing</span>` : ''} ${view.last_error ? html`<span class="muted">${view.last_error}</span>` : ''}
    </td>
    <td><span title="${utc(health.last_heard_at)}">${health.last_heard_at ? html`${age(health.last_heard_at)} ago` : 'never'}</span></td>
  </tr>`;
}

function moduleRow(view: ConnectionView, module: (typeof HEALTH_MODULES)[number], m: ModuleHealth): Html {
  const mode = view.modules[module];
  const held = m.evses === null ? `${m.held}` : `${m.held} (${m.evses} EVSEs)`;
  const absent = m.absent_evses === null ? `${m.absent}` : `${m.absent} (${m.absent_evses} EVSEs)`;
  return html`<tr data-module="${module}">
    <th scope="row">${module}</th>
    <td>${mode.mode}${mode.pulled ? '' : html` <span class="muted">(not pulled)</span>`}</td>
    <td>${m.last_success ? utc(m.last_success.started_at) : html`<span class="muted">never</span>`}</td>
    <td class="lag">${lagCell(view, module, m)}</td>
    <td class="num held">${held}</td>
    <td class="num absent">${absent}</td>
    <td class="num rejected">${m.rejected > 0 ? html`<a href="/console/health/${view.id}/rejected?module=${module}">${m.rejected}</a>` : '0'}</td>
    <td class="num">${m.pushes_last_day}</td>
    <td>${m.last_error ? html`<span class="tag bad">${utc(m.last_error.at)}</span> ${m.last_error.message}` : ''}</td>
    <td>${m.running_run_id ? html`<a href="/console/health/${view.id}/sync-runs/${m.running_run_id}">pulling now</a>` : ''}</td>
  </tr>`;
}

/** `14h` for an hour's start (UTC). */
const hourLabel = (hour: Date) => `${String(hour.getUTCHours()).padStart(2, '0')}h`;

function detailBody(view: ConnectionView, health: CpoHealth): Html {
  const labels = health.traffic.hours.map(hourLabel);
  const circuit = view.circuit;
  return html`<div class="actions">
      <a href="/console/health">All CPOs</a>
      <a href="/console/health/${view.id}/map">Map of its Locations</a>
      <a href="/console/health/${view.id}/rejected">Rejected objects and deviations</a>
      <a href="/console/call-log?connection_id=${view.id}">Its call log</a>
    </div>
    <dl class="facts">
      <dt>Handshake</dt>
      <dd>${statusTag(view.status)} ${view.ocpi_version ?? ''}</dd>
      <dt>Circuit</dt>
      <dd>
        ${circuitTag(circuit.state)} ${circuit.consecutive_failures > 0 ? `${circuit.consecutive_failures} failures in a row` : ''}
        ${circuit.open_until ? html`<span class="muted">open until ${utc(circuit.open_until)}</span>` : ''}
        ${circuit.last_failure ? html`<span class="muted">last failure ${utc(circuit.last_failure.at)}: ${circuit.last_failure.explanation}</span>` : ''}
      </dd>
      <dt>Last error</dt>
      <dd class="last-error">${view.last_error ?? html`<span class="muted">none</span>`}</dd>
      <dt>Last heard</dt>
      <dd class="last-heard">${health.last_heard_at ? html`${utc(health.last_heard_at)} (${age(health.last_heard_at)} ago)` : 'never'} ${quietTag(view, health)}</dd>
      <dt>Pushes received</dt>
      <dd><span class="pushes-hour">${health.pushes_this_hour}</span> this hour, <span class="pushes-day">${health.pushes_last_day}</span> over the last 24 h</dd>
      <dt>Failed calls logged</dt>
      <dd><span class="errors-day">${health.errors_last_day}</span> over the last 24 h</dd>
    </dl>
    <h2>Per module</h2>
    <table class="modules">
      <thead>
        <tr>
          <th>Module</th>
          <th>Mode</th>
          <th>Last successful pull</th>
          <th>Lag</th>
          <th>Held</th>
          <th>Absent</th>
          <th>Rejected</th>
          <th>Pushes (24 h)</th>
          <th>Last error</th>
          <th></th>
        </tr>
      </thead>
      <tbody>
        ${HEALTH_MODULES.map((m) => moduleRow(view, m, health.modules[m]))}
      </tbody>
    </table>
    <h2>The last 24 hours (UTC)</h2>
    ${barChart('Pushes received per hour', labels, [
      { name: 'accepted', colour: COLOURS.accepted, values: health.traffic.accepted },
      { name: 'refused', colour: COLOURS.refused, values: health.traffic.refused },
    ])}
    ${barChart('Failed calls per hour (call log)', labels, [{ name: 'errors', colour: COLOURS.errors, values: health.traffic.errors }])}`;
}

/**
 * GET /console/health: every CPO on one line (handshake, circuit, each module's lag since its last successful pull,
 * rejected objects, pushes this hour and over the day, failed calls over the day, last heard, gone quiet).
 * GET /console/health/{id}: one CPO: its circuit and last error, per module the last successful pull and its lag,
 * objects held, absent and rejected, the last failed pull, a pull under way; charts of the pushes and failed calls per
 * hour over the last day (inline SVG). 404 for an unknown connection, 400 for an id that is no UUID.
 */
@ApiExcludeController()
@Controller('console/health')
@UseGuards(ConsoleSessionGuard)
@UseFilters(ConsoleExceptionFilter)
export class HealthPage {
  private readonly schedules: ScheduleSettings;

  constructor(
    config: AppConfig,
    private readonly connections: ConnectionsService,
    private readonly figures: HealthFigures,
  ) {
    this.schedules = scheduleSettingsOf(config.env);
  }

  @Get()
  async overview(@Res() reply: FastifyReply) {
    const [views, figures] = await Promise.all([
      this.connections.list().then((all) => all.map((c) => toConnectionView(c, this.schedules))),
      this.figures.read(null, new Date(), { hourly: false }),
    ]);
    const quiet = views.filter((v) => goneQuiet(v.status, figures.get(v.id) ?? emptyHealth(v.id))).length;
    const body = html`<p class="muted">
        Lag: time since the module's last successful pull started (red: over twice its interval). Gone quiet: no push and no successful pull for over ${QUIET_AFTER_HOURS} h.
        ${quiet} CPO(s) gone quiet.
      </p>
      <table class="health">
        <thead>
          <tr>
            <th>CPO</th>
            <th>Handshake</th>
            <th>Circuit</th>
            ${HEALTH_MODULES.map((m) => html`<th>${m} lag</th>`)}
            <th>Rejected</th>
            <th>Pushes this hour</th>
            <th>Pushes 24 h</th>
            <th>Failed calls 24 h</th>
            <th>Errors</th>
            <th>Last heard</th>
          </tr>
        </thead>
        <tbody>
          ${views.map((v) => overviewRow(v, figures.get(v.id) ?? emptyHealth(v.id)))}
        </tbody>
      </table>`;
    return sendPage(reply, layout({ title: 'Health', path: '/console/health', body }));
  }

  @Get(':id')
  async detail(@Param('id', new ParseUUIDPipe()) id: string, @Res() reply: FastifyReply) {
    const view = toConnectionView(await this.connections.get(id), this.schedules);
    const health = (await this.figures.read([id])).get(id) ?? emptyHealth(id);
    return sendPage(reply, layout({ title: `Health of ${view.name}`, path: `/console/health/${id}`, body: detailBody(view, health) }));
  }
}
