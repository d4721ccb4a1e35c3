import { Body, Controller, Get, HttpException, NotFoundException, Param, ParseUUIDPipe, Post, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ConnectionView } from '../../connections/connection.view';
import { ConnectionsService } from '../../connections/connections.service';
import { CpoCircuitService } from '../../connections/cpo-circuit.service';
import { ConnectionModule } from '../../connections/cpo-connection.entity';
import { CredentialsSenderService } from '../../connections/credentials-sender.service';
import { SetModuleModeDto } from '../../connections/dto/set-module-mode.dto';
import { CONNECTION_MODULES, MAX_INTERVAL_MINUTES, MIN_INTERVAL_MINUTES, MODULE_MODES } from '../../connections/module-modes';
import { ConnectionSummary, ConnectionSummaryService } from '../../operations/connection-summary.service';
import { registrationHttpError } from '../../operations/registration-http-error';
import { SyncService } from '../../sync/sync.service';
import { ConsoleSessionGuard } from '../console-auth';
import { messageOf } from '../console-exception.filter';
import { ConsoleExceptionFilter } from '../console-exception.filter';
import { checkAgainst, field, FormFields } from '../form';
import { age, utc } from '../format';
import { html, Html } from '../html';
import { layout, redirectTo, sendPage } from '../layout';
import { circuitTag, statusTag } from './connection-tags';

/** What an action did, shown on the page it returns to (a closed set: the redirect carries the name, never text). */
const NOTICES = {
  REGISTERED: 'Registered: credentials exchanged. Press "Sync now" to pull at once, or wait for the schedule.',
  SYNC_STARTED: 'Pull started: the runs below update as they go (this page reloads every few seconds while one runs).',
  ROTATED: 'Tokens rotated both ways: the old ones no longer work.',
  REDISCOVERED_SAME: "The CPO's versions and endpoints were read again: nothing changed.",
  REDISCOVERED_CHANGED: "The CPO's versions and endpoints were read again: its endpoints changed (modules on DEFAULT follow them).",
  REDISCOVERED_NEWER: 'The CPO now offers a newer version we both speak: rotate the tokens to switch to it.',
  UNREGISTERED: 'Unregistered: the CPO took our credentials DELETE; no token works any more either way.',
  CIRCUIT_RESET: 'Circuit closed by hand: calls to the CPO go out again at once.',
  MODULE_SAVED: 'Module settings saved.',
} as const;
type Notice = keyof typeof NOTICES;

function noticeText(notice: string | undefined): string | null {
  return notice !== undefined && Object.hasOwn(NOTICES, notice) ? NOTICES[notice as Notice] : null;
}

/** A sync run as SyncService.recentRuns gives it (the columns the page shows). */
interface RunRow {
  id: string;
  module: string;
  status: string;
  started_at: Date | string;
  finished_at: Date | string | null;
  pages: number;
  objects_received: number;
  objects_stored: number;
  objects_rejected: number;
  error: string | null;
}

function facts(c: ConnectionView): Html {
  const rotation = c.token_rotation;
  return html`<dl class="facts">
    <dt>Handshake</dt>
    <dd>
      ${statusTag(c.status)} initiated by ${c.initiated_by === 'EMSP' ? 'us' : 'the CPO'}${c.invitation_expires_at && html`; token A valid until ${utc(c.invitation_expires_at)}`}
    </dd>
    <dt>OCPI version</dt>
    <dd>${c.ocpi_version ?? '—'}</dd>
    <dt>Versions URL</dt>
    <dd><code>${c.their_versions_url ?? '—'}</code></dd>
    <dt>Registered</dt>
    <dd>${utc(c.registered_at)}${c.unregistered_at && html`; unregistered ${utc(c.unregistered_at)}`}</dd>
    <dt>Token age</dt>
    <dd id="token-age">
      ${c.tokens_changed_at ? html`${age(c.tokens_changed_at)} <span class="muted">(exchanged ${utc(c.tokens_changed_at)})</span>` : '—'}
      ${rotation && html`<br /><span class="tag warn">${rotation.state}</span> ${rotation.note}`}
    </dd>
    <dt>Token encoding</dt>
    <dd>${c.authorization.we_send ? html`we send its token ${c.authorization.we_send}; the version prescribes ${c.authorization.prescribed}` : '—'}</dd>
    <dt>Circuit</dt>
    <dd>
      ${circuitTag(c.circuit.state)} ${c.circuit.consecutive_failures} failures in a row${c.circuit.open_until && html`; calls refused until ${utc(c.circuit.open_until)}`}
      ${c.circuit.last_failure && html`<br /><span class="muted">last failure ${utc(c.circuit.last_failure.at)}: ${c.circuit.last_failure.explanation}</span>`}
    </dd>
    <dt>Last error</dt>
    <dd>${c.last_error ?? '—'}</dd>
  </dl>`;
}

function attention(c: ConnectionView): Html | null {
  if (!c.needs_attention) return null;
  return html`<p class="error" role="alert">
    <strong>Needs attention</strong> (${c.needs_attention.reason}, since ${utc(c.needs_attention.since)}): ${c.needs_attention.what_happened} What to do:
    ${c.needs_attention.what_to_do}
  </p>`;
}

/** A POST form with one button (and the cross-site check of the guard): the actions on the connection. */
function action(id: string, path: string, label: string, extra: Html | '' = ''): Html {
  return html`<form method="post" action="/console/connections/${id}/${path}" class="inline">${extra}<button type="submit">${label}</button></form>`;
}

function actions(c: ConnectionView): Html {
  const confirm = html`<label><input type="checkbox" name="confirm" value="yes" required /> sure</label> `;
  return html`<div class="actions">
    ${action(c.id, 'sync', 'Sync now')} ${action(c.id, 'rotate', 'Rotate tokens')} ${action(c.id, 'rediscover', 'Rediscover endpoints')}
    ${action(c.id, 'circuit-reset', 'Reset circuit')} ${action(c.id, 'unregister', c.status === 'INVITED' ? 'Revoke invitation' : 'Unregister', confirm)}
    <a href="/console/call-log?connection_id=${c.id}">Call log of this CPO</a>
  </div>`;
}

function modulesTable(c: ConnectionView): Html {
  const rows = CONNECTION_MODULES.map((m) => {
    const mod = c.modules[m];
    const schedule = mod.schedule;
    const interval = schedule.interval_minutes === null ? 'off' : `every ${schedule.interval_minutes} min`;
    const intervalValue = schedule.interval_chosen_by === 'OPERATOR' ? (schedule.interval_minutes === null ? 'off' : String(schedule.interval_minutes)) : '';
    const modeOptions = [
      html`<option value="">default</option>`,
      MODULE_MODES.map((mode) => html`<option value="${mode}" ${mod.chosen_by === 'OPERATOR' && mod.mode === mode ? html`selected` : ''}>${mode}</option>`),
    ];
    return html`<tr id="module-${m}">
      <td>${m}</td>
      <td>${mod.mode} <span class="muted">(${mod.chosen_by.toLowerCase()})</span></td>
      <td>${mod.sender_offered ? 'yes' : 'no'}</td>
      <td>${mod.pulled ? 'yes' : 'no'} / ${mod.received ? 'yes' : 'no'}</td>
      <td>${interval} <span class="muted">(${schedule.interval_chosen_by.toLowerCase()})</span></td>
      <td>${schedule.last_run ? html`${schedule.last_run.status} ${utc(schedule.last_run.started_at)}` : html`<span class="muted">never</span>`}</td>
      <td>${utc(schedule.next_due_at)}</td>
      <td>
        <form method="post" action="/console/connections/${c.id}/modules/${m}" class="inline">
          <select name="mode" aria-label="mode of ${m}">
            ${modeOptions}
          </select>
          <input name="interval_minutes" size="5" value="${intervalValue}" placeholder="default" aria-label="interval of ${m} in minutes, off, or blank for the default" />
          <button type="submit">Save</button>
        </form>
      </td>
    </tr>`;
  });
  return html`<table>
    <thead>
      <tr>
        <th>Module</th>
        <th>Mode</th>
        <th>Sender offered</th>
        <th>Pulled / received</th>
        <th>Schedule</th>
        <th>Last run</th>
        <th>Next due</th>
        <th>Change (mode; minutes ${MIN_INTERVAL_MINUTES}–${MAX_INTERVAL_MINUTES}, "off", blank: default)</th>
      </tr>
    </thead>
    <tbody>
      ${rows}
    </tbody>
  </table>`;
}

function storedTable(s: ConnectionSummary): Html {
  const counts: Array<[string, number, number | null]> = [
    ['locations', s.stored.locations, s.absent.locations],
    ['evses', s.stored.evses, s.absent.evses],
    ['connectors', s.stored.connectors, null],
    ['tariffs', s.stored.tariffs, s.absent.tariffs],
    ['sessions', s.stored.sessions, null],
    ['cdrs', s.stored.cdrs, null],
  ];
  return html`<table id="stored">
    <thead>
      <tr>
        ${counts.map(([name]) => html`<th>${name}</th>`)}
        <th>rejected (latest 100)</th>
      </tr>
    </thead>
    <tbody>
      <tr>
        ${counts.map(([name, n, absent]) => html`<td class="num" data-count="${name}">${n}${absent ? html` <span class="muted">(${absent} absent)</span>` : ''}</td>`)}
        <td class="num" data-count="rejected">${s.rejected.length}</td>
      </tr>
    </tbody>
  </table>`;
}

function partiesAndEndpoints(c: ConnectionView): Html {
  return html`<h2>Parties</h2>
    ${
      c.parties.length === 0
        ? html`<p class="muted">None yet.</p>`
        : html`<table>
            <thead>
              <tr>
                <th>Party</th>
                <th>Role</th>
                <th>Name</th>
              </tr>
            </thead>
            <tbody>
              ${c.parties.map(
                (p) =>
                  html`<tr>
                    <td>${p.country_code}*${p.party_id}</td>
                    <td>${p.role}</td>
                    <td>${p.name ?? '—'}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }
    ${c.refused_parties.length > 0 && html`<p class="error">Refused parties: ${c.refused_parties.map((p) => html`${p.country_code}*${p.party_id} (${p.reason}) `)}</p>`}
    <h2>Endpoints (${c.ocpi_version ?? 'no version'})</h2>
    ${
      c.endpoints.length === 0
        ? html`<p class="muted">None yet.</p>`
        : html`<table>
            <thead>
              <tr>
                <th>Module</th>
                <th>Role</th>
                <th>URL</th>
              </tr>
            </thead>
            <tbody>
              ${c.endpoints.map(
                (e) =>
                  html`<tr>
                    <td>${e.identifier}</td>
                    <td>${e.role ?? '—'}</td>
                    <td><code>${e.url}</code></td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }`;
}

function runsTable(runs: RunRow[]): Html {
  if (runs.length === 0) return html`<p class="muted">No pull yet.</p>`;
  return html`<table id="runs">
    <thead>
      <tr>
        <th>Module</th>
        <th>Status</th>
        <th>Started</th>
        <th>Finished</th>
        <th>Pages</th>
        <th>Received</th>
        <th>Stored</th>
        <th>Rejected</th>
        <th>Error</th>
      </tr>
    </thead>
    <tbody>
      ${runs.map(
        (r) =>
          html`<tr>
            <td>${r.module}</td>
            <td><span class="tag ${r.status === 'SUCCEEDED' ? 'good' : r.status === 'FAILED' ? 'bad' : 'warn'}">${r.status}</span></td>
            <td>${utc(r.started_at)}</td>
            <td>${utc(r.finished_at)}</td>
            <td class="num">${r.pages}</td>
            <td class="num">${r.objects_received}</td>
            <td class="num">${r.objects_stored}</td>
            <td class="num">${r.objects_rejected}</td>
            <td>${r.error ?? ''}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/** How a module form's interval field reads: blank → default (null), "off", or whole minutes (a number for the DTO's check). */
function intervalOf(text: string | undefined): number | string | null {
  if (text === undefined) return null;
  if (text === 'off') return 'off';
  return /^\d+$/.test(text) ? Number(text) : text;
}

/**
 * GET /console/connections/{id}: one connection (handshake, version, parties, endpoints, token age, circuit, per module
 * mode and schedule with a form each, stored counts, recent pulls; reloads while a pull runs). POST …/{action}: sync,
 * rotate, rediscover, circuit-reset, unregister (with a confirm box), modules/{module}: each calls the service behind
 * the operations API, then comes back to the page with a notice; a refusal (409) or a CPO that failed us (502) is the
 * page again with what went wrong, in that status. Unknown connection 404, malformed id 400.
 */
@ApiExcludeController()
@Controller('console/connections')
@UseGuards(ConsoleSessionGuard)
@UseFilters(ConsoleExceptionFilter)
export class ConnectionPage {
  constructor(
    private readonly summaries: ConnectionSummaryService,
    private readonly sync: SyncService,
    private readonly connections: ConnectionsService,
    private readonly sender: CredentialsSenderService,
    private readonly circuits: CpoCircuitService,
  ) {}

  @Get(':id')
  async show(@Param('id', new ParseUUIDPipe()) id: string, @Query('notice') notice: string | undefined, @Res() reply: FastifyReply) {
    return this.render(reply, id, { notice: noticeText(notice) });
  }

  @Post(':id/sync')
  async syncNow(@Param('id', new ParseUUIDPipe()) id: string, @Res() reply: FastifyReply) {
    await this.connections.get(id);
    const started = await this.sync.start(id);
    // Nothing pulled (received only, no Sender interface, paused): say why here rather than a notice that misleads.
    if (started.message !== null) return this.render(reply, id, { error: started.message, status: 200 });
    const skipped = started.runs.filter((r) => r.status === 'SKIPPED' && r.message);
    if (skipped.length > 0) return this.render(reply, id, { notice: `${NOTICES.SYNC_STARTED} Skipped: ${skipped.map((r) => `${r.module}: ${r.message}`).join('; ')}` });
    return redirectTo(reply, `/console/connections/${id}?notice=SYNC_STARTED`);
  }

  @Post(':id/rotate')
  rotate(@Param('id', new ParseUUIDPipe()) id: string, @Res() reply: FastifyReply) {
    return this.act(reply, id, async () => {
      await this.sender.rotate(id);
      return 'ROTATED';
    });
  }

  @Post(':id/rediscover')
  rediscover(@Param('id', new ParseUUIDPipe()) id: string, @Res() reply: FastifyReply) {
    return this.act(reply, id, async () => {
      const found = await this.sender.rediscover(id);
      if (found.newerMutualVersion !== null) return 'REDISCOVERED_NEWER';
      return found.endpointsChanged ? 'REDISCOVERED_CHANGED' : 'REDISCOVERED_SAME';
    });
  }

  @Post(':id/circuit-reset')
  resetCircuit(@Param('id', new ParseUUIDPipe()) id: string, @Res() reply: FastifyReply) {
    return this.act(reply, id, async () => {
      await this.connections.get(id);
      await this.circuits.reset(id);
      return 'CIRCUIT_RESET';
    });
  }

  @Post(':id/unregister')
  async unregister(@Param('id', new ParseUUIDPipe()) id: string, @Body() fields: FormFields, @Res() reply: FastifyReply) {
    if (field(fields, 'confirm') !== 'yes') return this.render(reply, id, { error: 'Tick "sure" next to the button to unregister.', status: 400 });
    try {
      const result = await this.sender.unregister(id);
      if (!result.cpoNotified)
        return this.render(reply, id, { notice: `Unregistered on our side; the CPO did not take our credentials DELETE: ${result.cpoError ?? 'no answer'}.` });
      return redirectTo(reply, `/console/connections/${id}?notice=UNREGISTERED`);
    } catch (error) {
      return this.refused(reply, id, error);
    }
  }

  @Post(':id/modules/:module')
  async setModule(@Param('id', new ParseUUIDPipe()) id: string, @Param('module') module: string, @Body() fields: FormFields, @Res() reply: FastifyReply) {
    if (!(CONNECTION_MODULES as readonly string[]).includes(module)) throw new NotFoundException(`No module "${module}": one of ${CONNECTION_MODULES.join(', ')}`);
    const values = { mode: field(fields, 'mode') ?? null, interval_minutes: intervalOf(field(fields, 'interval_minutes')) };
    const checked = checkAgainst(SetModuleModeDto, values);
    if (checked.errors) return this.render(reply, id, { error: `${module}: ${checked.errors.join('; ')}`, status: 400 });
    return this.act(reply, id, async () => {
      // The same two calls as PATCH …/modules/{module} of the operations API, both set on every save.
      await this.connections.setModuleMode(id, module as ConnectionModule, checked.value.mode ?? null);
      const minutes = checked.value.interval_minutes === 'off' ? 0 : (checked.value.interval_minutes ?? null);
      await this.connections.setModuleInterval(id, module as ConnectionModule, minutes);
      return 'MODULE_SAVED';
    });
  }

  /** Runs an action and goes back to the page with its notice; a refusal or a CPO failure is rendered on the page. */
  private async act(reply: FastifyReply, id: string, run: () => Promise<Notice>) {
    try {
      return redirectTo(reply, `/console/connections/${id}?notice=${await run()}`);
    } catch (error) {
      return this.refused(reply, id, error);
    }
  }

  /** A RegistrationError (409 / 502) or a 409 from a service: the page with the message; anything else goes to the filter. */
  private refused(reply: FastifyReply, id: string, error: unknown) {
    const mapped = registrationHttpError(error);
    if (!(mapped instanceof HttpException) || mapped instanceof NotFoundException) throw mapped;
    const status = mapped.getStatus();
    const side = status === 502 ? 'The CPO failed us: ' : '';
    return this.render(reply, id, { error: `${side}${messageOf(mapped)}`, status });
  }

  private async render(reply: FastifyReply, id: string, shown: { notice?: string | null; error?: string | null; status?: number }) {
    const summary = await this.summaries.summary(id);
    const runs = (await this.sync.recentRuns(id, 20)) as RunRow[];
    const c = summary.connection;
    const running = runs.some((r) => r.status === 'RUNNING');
    const body = html`${attention(c)} ${actions(c)} ${facts(c)}
      <h2>Stored from this CPO</h2>
      ${storedTable(summary)}
      <h2>Modules</h2>
      ${modulesTable(c)} ${partiesAndEndpoints(c)}
      <h2>Recent pulls</h2>
      ${runsTable(runs)}`;
    const page = layout({ title: c.name, path: `/console/connections/${id}`, notice: shown.notice, error: shown.error, body, refreshSeconds: running ? 2 : undefined });
    return sendPage(reply, page, shown.status ?? 200);
  }
}
