import { BadRequestException, Controller, Get, NotFoundException, Query, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CHARGE_STORY_KEYS, ChargeIdentifiers, ChargeListed, ChargeStory, ChargeStoryAnswer, ChargeStoryKey, StoryEvent } from '../../charge-story/charge-story.model';
import { ChargeStoryService } from '../../charge-story/charge-story.service';
import { ConsoleSessionGuard } from '../console-auth';
import { ConsoleExceptionFilter } from '../console-exception.filter';
import { utc } from '../format';
import { html, Html } from '../html';
import { layout, sendPage } from '../layout';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** OCPI ids are CiString(36), CDR ids 39: the charge-story API's own limit. */
const MAX_KEY_LENGTH = 39;

/** The words of each key in the form. */
const KEY_LABELS: Record<ChargeStoryKey, string> = {
  session_id: 'Session id',
  cdr_id: 'CDR id',
  token_uid: 'Token uid',
  authorization_reference: 'Authorization reference',
};

/** What the search form was given, checked. */
interface Search {
  key: ChargeStoryKey;
  value: string;
  connectionId: string | null;
}

/** The form's query (key, value, connection_id) or the API's (session_id=…), checked; null when nothing was asked yet. @throws BadRequestException naming the field */
function searchOf(query: Record<string, string | undefined>): Search | null {
  let key = query.key as ChargeStoryKey | undefined;
  let value = query.value;
  if (key === undefined) {
    const named = CHARGE_STORY_KEYS.filter((k) => query[k] !== undefined);
    if (named.length > 1) throw new BadRequestException(`give one of ${CHARGE_STORY_KEYS.join(', ')}, not ${named.join(' and ')}`);
    key = named[0];
    value = key === undefined ? undefined : query[key];
  }
  if (key === undefined) return null;
  if (!(CHARGE_STORY_KEYS as readonly string[]).includes(key)) throw new BadRequestException(`key must be one of ${CHARGE_STORY_KEYS.join(', ')}`);
  const trimmed = (value ?? '').trim();
  if (trimmed === '') throw new BadRequestException(`${KEY_LABELS[key]}: give a value to look for`);
  if (trimmed.length > MAX_KEY_LENGTH) throw new BadRequestException(`${KEY_LABELS[key]} is at most ${MAX_KEY_LENGTH} characters`);
  const connectionId = query.connection_id || null;
  if (connectionId !== null && !UUID.test(connectionId)) throw new BadRequestException('connection_id must be the id (UUID) of a CPO connection');
  return { key, value: trimmed, connectionId };
}

function searchForm(search: Search | null): Html {
  return html`<form method="get" action="/console/charge-story" class="filters story-search">
    <label
      >Look up by
      <select name="key">
        ${CHARGE_STORY_KEYS.map((k) => html`<option value="${k}" ${search?.key === k ? html`selected` : ''}>${KEY_LABELS[k]}</option>`)}
      </select></label
    >
    <label>Value <input name="value" value="${search?.value ?? ''}" maxlength="${MAX_KEY_LENGTH}" required /></label>
    <label>CPO connection id (optional) <input name="connection_id" value="${search?.connectionId ?? ''}" size="38" /></label>
    <button type="submit">Show the story</button>
  </form>`;
}

/** The console page of a charge the API names by its href (/api/v1/operations/charge-story?…). */
function consoleHref(href: string): string {
  return href.replace('/api/v1/operations/charge-story', '/console/charge-story');
}

function identifiers(c: ChargeIdentifiers): Html {
  return html`<dl class="facts charge">
    <dt>CPO</dt>
    <dd>${c.connection_id ? html`<a href="/console/health/${c.connection_id}">${c.cpo ?? c.connection_id}</a>` : '—'} ${c.country_code ?? ''}*${c.party_id ?? ''}</dd>
    <dt>Session</dt>
    <dd><code class="session-id">${c.session_id ?? '—'}</code> ${c.status ?? ''}</dd>
    <dt>Started</dt>
    <dd>${utc(c.start_date_time)}</dd>
    <dt>CDRs</dt>
    <dd>${c.cdr_ids.length === 0 ? '—' : c.cdr_ids.map((id) => html`<code>${id}</code> `)}</dd>
    <dt>Token uid</dt>
    <dd><code>${c.token_uid ?? '—'}</code></dd>
    <dt>Authorization references</dt>
    <dd>${c.authorization_references.length === 0 ? '—' : c.authorization_references.map((r) => html`<code>${r}</code> `)}</dd>
    <dt>Commands</dt>
    <dd>${c.command_ids.length === 0 ? '—' : c.command_ids.map((r) => html`<code>${r}</code> `)}</dd>
  </dl>`;
}

function eventItem(e: StoryEvent): Html {
  return html`<li class="event" data-kind="${e.kind}">
    <time datetime="${e.at}">${utc(e.at)}</time> <span class="tag">${e.kind}</span> <span class="muted">${e.source}</span>
    <span class="summary">${e.summary}</span>
    <details class="raw">
      <summary>raw payload (${e.record.table} ${e.record.id})</summary>
      <pre>${JSON.stringify(e.raw, null, 2)}</pre>
    </details>
  </li>`;
}

function storyBody(story: ChargeStory): Html {
  return html`${identifiers(story.charge)}
    <h2>Timeline</h2>
    ${story.session_updates_omitted > 0 ? html`<p class="muted">${story.session_updates_omitted} older Session updates left out.</p>` : ''}
    <ol class="timeline">
      ${story.events.map(eventItem)}
    </ol>`;
}

function chargeList(charges: ChargeListed[], more: boolean): Html {
  return html`<p>Several charges match; the most recent first${more ? ' (more matched than listed)' : ''}:</p>
    <table class="charges">
      <thead>
        <tr>
          <th>Started</th>
          <th>CPO</th>
          <th>Session</th>
          <th>CDRs</th>
          <th>Token</th>
          <th></th>
        </tr>
      </thead>
      <tbody>
        ${charges.map(
          (c) =>
            html`<tr>
              <td>${utc(c.start_date_time)}</td>
              <td>${c.cpo ?? '—'}</td>
              <td><code>${c.session_id ?? '—'}</code> ${c.status ?? ''}</td>
              <td>${c.cdr_ids.join(', ') || '—'}</td>
              <td><code>${c.token_uid ?? '—'}</code></td>
              <td>${c.href ? html`<a href="${consoleHref(c.href)}">its story</a>` : ''}</td>
            </tr>`,
        )}
      </tbody>
    </table>`;
}

/**
 * GET /console/charge-story: a search form (Session id, CDR id, Token uid or authorization reference, optionally the
 * CPO connection); with `key` and `value` (or the API's own `session_id=…` parameters) the charge's story from the
 * charge-story API's service: its identifiers and its timeline, each event with its time (UTC), kind, source, plain
 * words and raw payload (folded); several charges matched → the list, each linking to its own story. 404 with the
 * form when nothing matches; 400 with the form for a malformed search.
 */
@ApiExcludeController()
@Controller('console/charge-story')
@UseGuards(ConsoleSessionGuard)
@UseFilters(ConsoleExceptionFilter)
export class ChargeStoryPage {
  constructor(private readonly stories: ChargeStoryService) {}

  @Get()
  async story(@Query() query: Record<string, string | undefined>, @Res() reply: FastifyReply) {
    const page = (body: Html, status = 200, error: string | null = null) => sendPage(reply, layout({ title: 'Charge story', path: '/console/charge-story', body, error }), status);
    let search: Search | null;
    try {
      search = searchOf(query);
    } catch (error) {
      if (error instanceof BadRequestException) return page(searchForm(null), 400, error.message);
      throw error;
    }
    if (search === null) return page(searchForm(null));
    let answer: ChargeStoryAnswer;
    try {
      answer = await this.stories.find(search.key, search.value, search.connectionId);
    } catch (error) {
      if (error instanceof NotFoundException) return page(searchForm(search), 404, error.message);
      throw error;
    }
    const body = html`${searchForm(search)} ${answer.story ? storyBody(answer.story) : chargeList(answer.charges, answer.more)}`;
    return page(body);
  }
}
