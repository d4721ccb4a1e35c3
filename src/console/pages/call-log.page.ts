import { Controller, Get, NotFoundException, Param, ParseUUIDPipe, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CALL_LOG_KINDS, CallLogSide } from '../../call-log/call-log-reading';
import { CallLogEntryView, CallLogFilter, CallLogService } from '../../call-log/call-log.service';
import { assertNever } from '../../common/assert-never';
import { ConnectionsService } from '../../connections/connections.service';
import { ConsoleSessionGuard } from '../console-auth';
import { ConsoleExceptionFilter } from '../console-exception.filter';
import { utc } from '../format';
import { html, Html } from '../html';
import { layout, sendPage } from '../layout';

/** Entries per page. */
const PAGE_SIZE = 50;

/** The OCPI modules a call can concern (the module filter's choices; "versions" for the handshake's discovery). */
const MODULES = ['versions', 'credentials', 'locations', 'tariffs', 'sessions', 'cdrs', 'tokens', 'commands', 'hubclientinfo', 'chargingprofiles', 'invoicereconciliation'];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The query of the list page, as given (strings), kept to refill the filters and to build the paging links. */
interface CallLogQuery {
  connection_id?: string;
  module?: string;
  object_id?: string;
  kind?: string;
  direction?: string;
  from?: string;
  to?: string;
  after?: string;
}

/** Whose side, in plain words. */
export function sideWords(side: CallLogSide): string {
  switch (side) {
    case 'CPO':
      return "The CPO's side";
    case 'OURS':
      return 'Our side';
    case 'NETWORK':
      return "The network or the CPO's host: nothing came back";
    case 'EITHER':
      return 'Either side: the bodies say which';
    default:
      return assertNever(side, 'call-log side');
  }
}

/** A `datetime-local` value (or a full ISO 8601 date-time) read as UTC; undefined when blank; null when unreadable. */
function utcInstant(text: string | undefined): Date | undefined | null {
  if (!text) return undefined;
  const date = new Date(/[zZ]|[+-]\d\d:\d\d$/.test(text) ? text : `${text}Z`);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** The query as a filter, or what is wrong with it (each named as the form names it). */
function filterOf(q: CallLogQuery): { filter: CallLogFilter; errors: string[] } {
  const errors: string[] = [];
  if (q.connection_id && !UUID.test(q.connection_id)) errors.push('CPO: not a connection id');
  if (q.kind && !(CALL_LOG_KINDS as readonly string[]).includes(q.kind)) errors.push(`kind: one of ${CALL_LOG_KINDS.join(', ')}`);
  if (q.direction && q.direction !== 'OUTGOING' && q.direction !== 'INCOMING') errors.push('direction: OUTGOING or INCOMING');
  if (q.object_id && q.object_id.length > 255) errors.push('object id: at most 255 characters');
  const since = utcInstant(q.from);
  const until = utcInstant(q.to);
  if (since === null) errors.push('from: a date and time (UTC)');
  if (until === null) errors.push('to: a date and time (UTC)');
  const filter: CallLogFilter = {
    connectionId: q.connection_id || undefined,
    module: q.module || undefined,
    objectId: q.object_id || undefined,
    kind: q.kind || undefined,
    direction: (q.direction || undefined) as CallLogFilter['direction'],
    since: since ?? undefined,
    until: until ?? undefined,
    after: q.after || undefined,
    limit: PAGE_SIZE + 1,
  };
  return { filter, errors };
}

function queryString(q: CallLogQuery, after?: string): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...q, after })) if (value) params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}

function filters(q: CallLogQuery, cpos: Array<{ id: string; name: string }>): Html {
  const select = (name: string, label: string, choices: Array<[string, string]>, value: string | undefined) =>
    html`<label
      >${label}
      <select name="${name}">
        <option value="">any</option>
        ${choices.map(([v, text]) => html`<option value="${v}" ${v === value ? html`selected` : ''}>${text}</option>`)}
      </select></label
    >`;
  return html`<form method="get" action="/console/call-log" class="filters">
    ${select(
      'connection_id',
      'CPO',
      cpos.map((c) => [c.id, c.name]),
      q.connection_id,
    )}
    ${select(
      'module',
      'Module',
      MODULES.map((m) => [m, m]),
      q.module,
    )}
    <label>Object id <input name="object_id" value="${q.object_id ?? ''}" size="14" /></label>
    ${select(
      'kind',
      'Kind',
      CALL_LOG_KINDS.map((k) => [k, k]),
      q.kind,
    )}
    ${select(
      'direction',
      'Direction',
      [
        ['OUTGOING', 'we called the CPO'],
        ['INCOMING', 'the CPO called us'],
      ],
      q.direction,
    )}
    <label>From (UTC) <input name="from" type="datetime-local" step="1" value="${q.from ?? ''}" /></label>
    <label>To (UTC) <input name="to" type="datetime-local" step="1" value="${q.to ?? ''}" /></label>
    <button type="submit">Filter</button>
    <a href="/console/call-log">Clear</a>
  </form>`;
}

/** The path and query of a URL, for a narrow column (the host is the CPO's or ours, said by the direction). */
function shortUrl(url: string): string {
  try {
    const parsed = new URL(url, 'http://local');
    return `${parsed.pathname}${parsed.search}`;
  } catch {
    return url;
  }
}

function row(e: CallLogEntryView): Html {
  return html`<tr>
    <td><a href="/console/call-log/${e.id}">${utc(e.created_at)}</a></td>
    <td>${e.connection_id ? html`<a href="/console/connections/${e.connection_id}">${e.cpo ?? e.connection_id}</a>` : html`<span class="muted">unknown caller</span>`}</td>
    <td>${e.direction === 'OUTGOING' ? 'we called' : 'called us'}</td>
    <td>${e.module ?? '—'}</td>
    <td><code>${e.method} ${shortUrl(e.url)}</code></td>
    <td>${e.kind}</td>
    <td>${e.http_status ?? '—'} / ${e.ocpi_status ?? '—'}</td>
    <td>${sideWords(e.side)}</td>
    <td>${e.explanation}</td>
  </tr>`;
}

/** A body as stored (redacted, at most 8 KB), pretty-printed when it is JSON. */
function bodyText(body: string | null): string {
  if (body === null) return '(none)';
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

function entryPage(e: CallLogEntryView): Html {
  return html`<dl class="facts">
      <dt>When</dt>
      <dd>${utc(e.created_at)}</dd>
      <dt>CPO</dt>
      <dd>${e.connection_id ? html`<a href="/console/connections/${e.connection_id}">${e.cpo ?? e.connection_id}</a>` : 'unknown (no token we know)'}</dd>
      <dt>Direction</dt>
      <dd>${e.direction === 'OUTGOING' ? 'we called the CPO' : 'the CPO called us'}</dd>
      <dt>Call</dt>
      <dd><code>${e.method} ${e.url}</code></dd>
      <dt>Module</dt>
      <dd>${e.module ?? '—'}</dd>
      <dt>Kind</dt>
      <dd>${e.kind}</dd>
      <dt>HTTP status / OCPI status</dt>
      <dd>${e.http_status ?? '—'} / ${e.ocpi_status ?? '—'}</dd>
      <dt>Duration</dt>
      <dd>${e.duration_ms === null ? '—' : `${e.duration_ms} ms`}</dd>
      <dt>Request id / correlation id</dt>
      <dd><code>${e.request_id ?? '—'}</code> / <code>${e.correlation_id ?? '—'}</code></dd>
    </dl>
    <h2>What went wrong</h2>
    <p id="explanation">${e.explanation}</p>
    <h2>Whose side</h2>
    <p id="side">${sideWords(e.side)}</p>
    <h2>What to do next</h2>
    <p id="next-step">${e.next_step}</p>
    <h2>Request body <span class="muted">(tokens redacted, at most 8 KB)</span></h2>
    <pre id="request-body">${bodyText(e.request_body)}</pre>
    <h2>Response body <span class="muted">(tokens redacted, at most 8 KB)</span></h2>
    <pre id="response-body">${bodyText(e.response_body)}</pre>
    <p><a href="/console/call-log${e.connection_id ? `?connection_id=${e.connection_id}` : ''}">More calls of this CPO</a></p>`;
}

/**
 * GET /console/call-log[?connection_id&module&object_id&kind&direction&from&to&after]: failed OCPI calls both ways,
 * newest first, 50 a page ("Older" follows the cursor), each with whose side it is on and what went wrong; times are
 * UTC. A filter that cannot be read → the page with what is wrong, 400. GET /console/call-log/{id}: one entry with
 * its explanation, side, next step and bodies (tokens redacted, as the operations API gives them); 404 unknown.
 */
@ApiExcludeController()
@Controller('console/call-log')
@UseGuards(ConsoleSessionGuard)
@UseFilters(ConsoleExceptionFilter)
export class CallLogPage {
  constructor(
    private readonly callLog: CallLogService,
    private readonly connections: ConnectionsService,
  ) {}

  @Get()
  async list(@Query() query: CallLogQuery, @Res() reply: FastifyReply) {
    const q: CallLogQuery = {};
    for (const key of ['connection_id', 'module', 'object_id', 'kind', 'direction', 'from', 'to', 'after'] as const) {
      const value = query[key];
      if (typeof value === 'string' && value.trim() !== '') q[key] = value.trim();
    }
    const cpos = (await this.connections.list()).map((c) => ({ id: c.id, name: c.name }));
    const { filter, errors } = filterOf(q);
    if (errors.length > 0) {
      return sendPage(reply, layout({ title: 'Call log', path: '/console/call-log', error: `Cannot filter so: ${errors.join('; ')}.`, body: filters(q, cpos) }), 400);
    }
    const found = await this.callLog.list(filter);
    const entries = found.slice(0, PAGE_SIZE);
    const older = found.length > PAGE_SIZE ? entries[entries.length - 1].cursor : null;
    const body = html`${filters(q, cpos)}
      ${
        entries.length === 0
          ? html`<p class="muted">No failed call matches.</p>`
          : html`<table id="call-log">
              <thead>
                <tr>
                  <th>When (UTC)</th>
                  <th>CPO</th>
                  <th>Direction</th>
                  <th>Module</th>
                  <th>Call</th>
                  <th>Kind</th>
                  <th>HTTP / OCPI</th>
                  <th>Whose side</th>
                  <th>What went wrong</th>
                </tr>
              </thead>
              <tbody>
                ${entries.map(row)}
              </tbody>
            </table>`
      }
      <p>
        ${q.after && html`<a href="/console/call-log${queryString({ ...q, after: undefined })}">Newest</a>`}
        ${older && html`<a href="/console/call-log${queryString(q, older)}" rel="next">Older →</a>`}
      </p>`;
    return sendPage(reply, layout({ title: 'Call log', path: '/console/call-log', body }));
  }

  @Get(':id')
  async one(@Param('id', new ParseUUIDPipe()) id: string, @Res() reply: FastifyReply) {
    const entry = await this.callLog.get(id);
    if (entry === null) throw new NotFoundException(`No call-log entry ${id} (entries are kept CALL_LOG_RETENTION_DAYS)`);
    return sendPage(reply, layout({ title: `${entry.kind}: ${entry.cpo ?? 'unknown caller'}, ${utc(entry.created_at)}`, path: '/console/call-log', body: entryPage(entry) }));
  }
}
