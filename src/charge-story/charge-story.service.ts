import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ChargeIdentifiers, ChargeListed, ChargeStory, ChargeStoryAnswer, ChargeStoryKey, STORY_EVENT_KINDS, StoryEvent } from './charge-story.model';

/** At most this many charges listed for one key (a busy token), most recent first. */
export const MAX_CHARGES = 50;
/** At most this many Session updates in one story (the latest); the rest are counted in session_updates_omitted. */
export const MAX_SESSION_UPDATES = 500;
/**
 * How far a real-time authorization may precede (and follow) the start of the Session it let charge, when only the
 * token and Location link them (2.1.1 has no authorization_reference; a CPO may authorize a command-started charge
 * again): a driver holds the card to the reader, the Session starts within minutes.
 */
const AUTHORIZATION_BEFORE = '30 minutes';
const AUTHORIZATION_AFTER = '5 minutes';

interface SessionRow {
  id: string;
  connection_id: string | null;
  cpo: string | null;
  source: 'PULL' | 'PUSH';
  country_code: string;
  party_id: string;
  ocpi_id: string;
  status: string;
  start_date_time: Date;
  token_uid: string | null;
  location_id: string;
  authorization_reference: string | null;
  cdr_id: string | null;
  raw: unknown;
  kwh: string;
  first_received_at: Date;
  changed_at: Date;
}

interface CdrRow {
  id: string;
  connection_id: string | null;
  cpo: string | null;
  source: 'PULL' | 'PUSH';
  country_code: string;
  party_id: string;
  ocpi_id: string;
  session_id: string | null;
  authorization_reference: string | null;
  token_uid: string | null;
  location_id: string;
  start_date_time: Date;
  raw: unknown;
  currency: string;
  stated_before_taxes: string;
  stated_after_taxes: string | null;
  credit: boolean;
  received_at: Date;
  computed_before_taxes: string | null;
  computed_after_taxes: string | null;
  difference_before_taxes: string | null;
  difference_after_taxes: string | null;
  exact: boolean | null;
  not_exact_because: string[] | null;
  priced_with: string | null;
  recomputed_at: Date | null;
  recomputation: unknown;
}

interface CommandRow {
  id: string;
  connection_id: string;
  cpo: string | null;
  command: string;
  request: Record<string, unknown>;
  token_uid: string | null;
  authorization_reference: string | null;
  session_id: string | null;
  location_id: string | null;
  state: string;
  error: string | null;
  response: string | null;
  response_timeout: number | null;
  response_message: unknown;
  responded_at: Date | null;
  deadline_at: Date | null;
  result: string | null;
  result_message: unknown;
  result_at: Date | null;
  timed_out_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

interface AuthorizationRow {
  id: string;
  token_uid: string;
  token_type: string;
  connection_id: string | null;
  cpo: string | null;
  location_id: string | null;
  evse_uids: string[] | null;
  connector_ids: string[] | null;
  allowed: string;
  authorization_reference: string | null;
  answered_at: Date;
}

interface SessionEventRow {
  id: string;
  source: 'PULL' | 'PUSH';
  change: 'CREATED' | 'UPDATED';
  status: string;
  kwh: string;
  last_updated: Date;
  raw: unknown;
  received_at: Date;
}

interface InvoiceLineRow {
  invoice_id: string;
  invoice_number: string;
  line_no: number;
  cdr_ref: string | null;
  session_ref: string | null;
  authorization_reference: string | null;
  amount_excl_vat: string | null;
  amount_incl_vat: string | null;
  currency: string;
  raw: unknown;
  imported_at: Date;
}

/** Where a charge was found from: its Session when we hold one, else its CDR, command or authorization. */
type Seed = { session: SessionRow } | { cdr: CdrRow } | { command: CommandRow } | { authorization: AuthorizationRow };

const CPO = `(SELECT name FROM cpo_connection c WHERE c.id = t.connection_id) AS cpo`;
const SESSION_COLUMNS = `t.id, t.connection_id, ${CPO}, t.source, t.country_code, t.party_id, t.ocpi_id, t.status, t.start_date_time, t.token_uid,
  t.location_id, t.mapped->>'authorization_reference' AS authorization_reference, t.cdr_id, t.raw, t.kwh::text AS kwh, t.first_received_at, t.changed_at`;
const CDR_COLUMNS = `t.id, t.connection_id, ${CPO}, t.source, t.country_code, t.party_id, t.ocpi_id, t.mapped->>'session_id' AS session_id,
  t.mapped->>'authorization_reference' AS authorization_reference, t.mapped->'cdr_token'->>'uid' AS token_uid, t.location_id, t.start_date_time, t.raw,
  t.currency, t.stated_before_taxes::text AS stated_before_taxes, t.stated_after_taxes::text AS stated_after_taxes, t.credit, t.received_at,
  t.computed_before_taxes::text AS computed_before_taxes, t.computed_after_taxes::text AS computed_after_taxes,
  t.difference_before_taxes::text AS difference_before_taxes, t.difference_after_taxes::text AS difference_after_taxes, t.exact, t.not_exact_because,
  t.priced_with, t.recomputed_at, t.recomputation`;
const COMMAND_COLUMNS = `t.id, t.connection_id, ${CPO}, t.command, t.request, t.token_uid, t.authorization_reference, t.session_id, t.request->>'location_id' AS location_id,
  t.state, t.error, t.response, t.response_timeout, t.response_message, t.responded_at, t.deadline_at, t.result, t.result_message, t.result_at,
  t.timed_out_at, t.created_at, t.updated_at`;
const AUTHORIZATION_COLUMNS = `t.id::text AS id, t.token_uid, t.token_type, t.connection_id, ${CPO}, t.location_id, t.evse_uids, t.connector_ids, t.allowed,
  t.authorization_reference, t.answered_at`;

/**
 * Builds a charge's story from what the stores hold: Sessions and their session_event history, CDRs and their
 * re-pricing, commands, the authorization log, invoice lines. Every lookup is an index scan (migration ChargeStory).
 * Links followed: a Session's CDRs (CDR.session_id, or the one linked to it); the authorization_references the
 * Session, its CDRs and a START_SESSION carry (mod_commands 2.2.1 §StartSession Object, mod_tokens 2.2.1
 * §AuthorizationInfo Object) to commands and authorizations; a STOP_SESSION by the Session it names; without a
 * reference (2.1.1) a START_SESSION and an authorization by the token at the Session's Location shortly before it
 * started; invoice lines of the connection's current invoices by CDR id, session id or authorization reference.
 */
@Injectable()
export class ChargeStoryService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * The story of the charge `key` names, or the charges it names when several.
   * @param connectionId only charges of this CPO connection (null: any)
   * @throws NotFoundException when nothing held matches
   */
  async find(key: ChargeStoryKey, value: string, connectionId: string | null): Promise<ChargeStoryAnswer> {
    const { seeds, more } = await this.seedsOf(key, value, connectionId);
    if (seeds.length === 0) {
      throw new NotFoundException(`No charge with ${key} "${value}"${connectionId ? ` at CPO connection ${connectionId}` : ''}`);
    }
    const asked = { name: key, value, connection_id: connectionId };
    if (seeds.length === 1) {
      const story = await this.storyOf(seeds[0]);
      return { key: asked, charges: [{ ...story.charge, href: hrefOf(story.charge) }], more, story };
    }
    return { key: asked, charges: seeds.map((s) => listed(s)), more, story: null };
  }

  /** What the key names: Sessions first; else CDRs, commands, authorizations. Most recent first, at most MAX_CHARGES (+ more). */
  private async seedsOf(key: ChargeStoryKey, value: string, connectionId: string | null): Promise<{ seeds: Seed[]; more: boolean }> {
    const limit = MAX_CHARGES + 1;
    const conn = connectionId === null ? '' : ' AND t.connection_id = $2';
    const args = connectionId === null ? [value] : [value, connectionId];
    const q = <T>(sql: string): Promise<T[]> => this.db.query<T[]>(`${sql} LIMIT ${limit}`, args);
    let seeds: Seed[] = [];
    switch (key) {
      case 'session_id': {
        seeds = (await q<SessionRow>(`SELECT ${SESSION_COLUMNS} FROM session t WHERE t.ocpi_id = $1${conn} ORDER BY t.start_date_time DESC`)).map((session) => ({ session }));
        if (seeds.length === 0) {
          seeds = (await q<CdrRow>(`SELECT ${CDR_COLUMNS} FROM cdr t WHERE t.mapped->>'session_id' = $1${conn} ORDER BY t.start_date_time DESC`)).map((cdr) => ({ cdr }));
        }
        if (seeds.length === 0) {
          seeds = (await q<CommandRow>(`SELECT ${COMMAND_COLUMNS} FROM command t WHERE t.session_id = $1${conn} ORDER BY t.created_at DESC`)).map((command) => ({ command }));
        }
        break;
      }
      case 'cdr_id': {
        const cdrs = await q<CdrRow>(`SELECT ${CDR_COLUMNS} FROM cdr t WHERE t.ocpi_id = $1${conn} ORDER BY t.start_date_time DESC`);
        for (const cdr of cdrs) {
          const session = await this.sessionOfCdr(cdr);
          seeds.push(session ? { session } : { cdr });
        }
        break;
      }
      case 'token_uid': {
        seeds = (
          await q<SessionRow>(`SELECT ${SESSION_COLUMNS} FROM session t WHERE lower(t.token_uid) = lower($1)${conn} ORDER BY lower(t.token_uid), t.start_date_time DESC`)
        ).map((session) => ({ session }));
        if (seeds.length === 0) {
          const commands = await q<CommandRow>(`SELECT ${COMMAND_COLUMNS} FROM command t WHERE lower(t.token_uid) = lower($1)${conn} ORDER BY t.created_at DESC`);
          const authorizations = await q<AuthorizationRow>(
            `SELECT ${AUTHORIZATION_COLUMNS} FROM token_authorization t WHERE lower(t.token_uid) = lower($1)${conn} ORDER BY t.answered_at DESC`,
          );
          seeds = [...commands.map((command) => ({ command })), ...authorizations.map((authorization) => ({ authorization }))].sort(
            (a, b) => seedTime(b).getTime() - seedTime(a).getTime(),
          );
        }
        break;
      }
      case 'authorization_reference': {
        seeds = (await q<SessionRow>(`SELECT ${SESSION_COLUMNS} FROM session t WHERE t.mapped->>'authorization_reference' = $1${conn} ORDER BY t.start_date_time DESC`)).map(
          (session) => ({ session }),
        );
        if (seeds.length === 0) {
          for (const cdr of await q<CdrRow>(`SELECT ${CDR_COLUMNS} FROM cdr t WHERE t.mapped->>'authorization_reference' = $1${conn} ORDER BY t.start_date_time DESC`)) {
            const session = await this.sessionOfCdr(cdr);
            seeds.push(session ? { session } : { cdr });
          }
        }
        if (seeds.length === 0) {
          for (const command of await q<CommandRow>(`SELECT ${COMMAND_COLUMNS} FROM command t WHERE t.authorization_reference = $1${conn}`)) {
            const session = await this.sessionOfCommand(command);
            seeds.push(session ? { session } : { command });
          }
        }
        if (seeds.length === 0) {
          for (const authorization of await q<AuthorizationRow>(`SELECT ${AUTHORIZATION_COLUMNS} FROM token_authorization t WHERE t.authorization_reference = $1${conn}`)) {
            const session = await this.sessionOfAuthorization(authorization);
            seeds.push(session ? { session } : { authorization });
          }
        }
        break;
      }
    }
    seeds = dedupe(seeds);
    return { seeds: seeds.slice(0, MAX_CHARGES), more: seeds.length > MAX_CHARGES };
  }

  /** The whole story of one charge. */
  private async storyOf(seed: Seed): Promise<ChargeStory> {
    let session = 'session' in seed ? seed.session : null;
    if (!session && 'cdr' in seed) session = await this.sessionOfCdr(seed.cdr);
    if (!session && 'command' in seed) session = await this.sessionOfCommand(seed.command);
    if (!session && 'authorization' in seed) session = await this.sessionOfAuthorization(seed.authorization);

    const cdrs = session ? await this.cdrsOfSession(session) : 'cdr' in seed ? [seed.cdr] : [];
    const first = session ?? cdrs[0] ?? ('command' in seed ? seed.command : null) ?? ('authorization' in seed ? seed.authorization : null)!;
    const connectionId = first.connection_id;
    const tokenUid =
      session?.token_uid ??
      cdrs.find((c) => c.token_uid)?.token_uid ??
      ('command' in seed ? seed.command.token_uid : null) ??
      ('authorization' in seed ? seed.authorization.token_uid : null);
    const references = unique([
      session?.authorization_reference,
      ...cdrs.map((c) => c.authorization_reference),
      'command' in seed ? seed.command.authorization_reference : null,
      'authorization' in seed ? seed.authorization.authorization_reference : null,
    ]);

    const commands = await this.commandsOf(session, connectionId, references, tokenUid);
    if ('command' in seed && !commands.some((c) => c.id === seed.command.id)) commands.push(seed.command);
    for (const c of commands) if (c.authorization_reference && !references.includes(c.authorization_reference)) references.push(c.authorization_reference);
    const authorizations = await this.authorizationsOf(session, connectionId, references, tokenUid);
    if ('authorization' in seed && !authorizations.some((a) => a.id === seed.authorization.id)) authorizations.push(seed.authorization);

    const sessionId = session?.ocpi_id ?? cdrs.find((c) => c.session_id)?.session_id ?? null;
    const updates = session ? await this.sessionUpdates(session) : { events: [], omitted: 0 };
    const lines = connectionId
      ? await this.invoiceLines(
          connectionId,
          cdrs.map((c) => c.ocpi_id),
          sessionId,
          references,
        )
      : [];

    const events: StoryEvent[] = [
      ...commands.flatMap(commandEvents),
      ...authorizations.map((a) =>
        authorizationEvent(a, commands.find((c) => c.authorization_reference !== null && c.authorization_reference === a.authorization_reference) ?? null),
      ),
      ...updates.events,
      ...cdrs.flatMap(cdrEvents),
      ...lines.map(invoiceLineEvent),
    ];
    // Within one millisecond, causes before effects: an authorization first (we authorize our Token before a
    // START_SESSION is sent, and the two are stamped by different clocks, ours and the database's), then the kinds'
    // order. Stable: events of one kind at one instant keep their stored order (each list above is read in order).
    const rank = (kind: StoryEvent['kind']) => (kind === 'AUTHORIZATION' ? -1 : STORY_EVENT_KINDS.indexOf(kind));
    events.sort((a, b) => a.at.localeCompare(b.at) || rank(a.kind) - rank(b.kind));

    const charge: ChargeIdentifiers = {
      connection_id: connectionId,
      cpo: first.cpo,
      country_code: session?.country_code ?? cdrs[0]?.country_code ?? null,
      party_id: session?.party_id ?? cdrs[0]?.party_id ?? null,
      session_id: sessionId,
      session_row_id: session?.id ?? null,
      status: session?.status ?? null,
      start_date_time: (session?.start_date_time ?? cdrs[0]?.start_date_time)?.toISOString() ?? null,
      cdr_ids: cdrs.map((c) => c.ocpi_id),
      token_uid: tokenUid,
      authorization_references: references,
      command_ids: commands.sort((a, b) => a.created_at.getTime() - b.created_at.getTime()).map((c) => c.id),
    };
    return { charge, events, session_updates_omitted: updates.omitted };
  }

  /** The Session a CDR closes (CDR.session_id, same party; or the Session linked to it), or null. */
  private async sessionOfCdr(cdr: CdrRow): Promise<SessionRow | null> {
    const [byId] = cdr.session_id
      ? await this.db.query<SessionRow[]>(`SELECT ${SESSION_COLUMNS} FROM session t WHERE t.country_code = $1 AND t.party_id = $2 AND t.ocpi_id = $3`, [
          cdr.country_code,
          cdr.party_id,
          cdr.session_id,
        ])
      : [];
    if (byId) return byId;
    const [linked] = await this.db.query<SessionRow[]>(`SELECT ${SESSION_COLUMNS} FROM session t WHERE t.cdr_id = $1 LIMIT 1`, [cdr.id]);
    return linked ?? null;
  }

  /**
   * The Session a command is about (as CommandStore.linkedSession): the one a STOP_SESSION names; the one carrying a
   * START_SESSION's authorization_reference; in 2.1.1 the first with its token at its Location received after it.
   */
  private async sessionOfCommand(c: CommandRow): Promise<SessionRow | null> {
    let rows: SessionRow[] = [];
    if (c.command === 'STOP_SESSION' && c.session_id) {
      rows = await this.db.query(`SELECT ${SESSION_COLUMNS} FROM session t WHERE t.ocpi_id = $1 AND t.connection_id = $2 LIMIT 1`, [c.session_id, c.connection_id]);
    } else if (c.authorization_reference) {
      rows = await this.db.query(
        `SELECT ${SESSION_COLUMNS} FROM session t WHERE t.mapped->>'authorization_reference' = $1 AND t.connection_id = $2 ORDER BY t.first_received_at LIMIT 1`,
        [c.authorization_reference, c.connection_id],
      );
    } else if (c.command === 'START_SESSION' && c.token_uid) {
      rows = await this.db.query(
        `SELECT ${SESSION_COLUMNS} FROM session t WHERE lower(t.token_uid) = lower($1) AND t.connection_id = $2 AND t.location_id = $3 AND t.first_received_at >= $4
         ORDER BY lower(t.token_uid), t.start_date_time LIMIT 1`,
        [c.token_uid, c.connection_id, c.location_id ?? '', c.created_at],
      );
    }
    return rows[0] ?? null;
  }

  /** The Session an authorization let charge: the one carrying its reference, else its token's at its Location starting just after it. */
  private async sessionOfAuthorization(a: AuthorizationRow): Promise<SessionRow | null> {
    if (a.authorization_reference) {
      const [byReference] = await this.db.query<SessionRow[]>(`SELECT ${SESSION_COLUMNS} FROM session t WHERE t.mapped->>'authorization_reference' = $1 LIMIT 1`, [
        a.authorization_reference,
      ]);
      if (byReference) return byReference;
    }
    if (a.connection_id === null || a.location_id === null) return null;
    const [near] = await this.db.query<SessionRow[]>(
      `SELECT ${SESSION_COLUMNS} FROM session t
       WHERE lower(t.token_uid) = lower($1) AND t.connection_id = $2 AND t.location_id = $3
         AND t.start_date_time BETWEEN $4::timestamptz - interval '${AUTHORIZATION_AFTER}' AND $4::timestamptz + interval '${AUTHORIZATION_BEFORE}'
       ORDER BY lower(t.token_uid), t.start_date_time LIMIT 1`,
      [a.token_uid, a.connection_id, a.location_id, a.answered_at],
    );
    return near ?? null;
  }

  /** The Session's CDRs: those naming it (CDR.session_id, same party), and the one linked to it. */
  private cdrsOfSession(s: SessionRow): Promise<CdrRow[]> {
    return this.db.query<CdrRow[]>(
      `SELECT ${CDR_COLUMNS} FROM cdr t WHERE t.country_code = $1 AND t.party_id = $2 AND t.mapped->>'session_id' = $3
       UNION SELECT ${CDR_COLUMNS} FROM cdr t WHERE t.id = $4
       ORDER BY received_at, id`,
      [s.country_code, s.party_id, s.ocpi_id, s.cdr_id],
    );
  }

  /** Commands of the charge: by its authorization_references, the STOP_SESSION naming its Session, a 2.1.1 START_SESSION of its token at its Location. */
  private async commandsOf(s: SessionRow | null, connectionId: string | null, references: string[], tokenUid: string | null): Promise<CommandRow[]> {
    const rows: CommandRow[] = [];
    if (references.length > 0) {
      rows.push(...(await this.db.query<CommandRow[]>(`SELECT ${COMMAND_COLUMNS} FROM command t WHERE t.authorization_reference = ANY($1::text[])`, [references])));
    }
    if (s && connectionId) {
      rows.push(
        ...(await this.db.query<CommandRow[]>(`SELECT ${COMMAND_COLUMNS} FROM command t WHERE t.session_id = $1 AND t.connection_id = $2 AND t.command = 'STOP_SESSION'`, [
          s.ocpi_id,
          connectionId,
        ])),
      );
      if (tokenUid && s.authorization_reference === null) {
        rows.push(
          ...(await this.db.query<CommandRow[]>(
            `SELECT ${COMMAND_COLUMNS} FROM command t
             WHERE lower(t.token_uid) = lower($1) AND t.connection_id = $2 AND t.command = 'START_SESSION' AND t.authorization_reference IS NULL
               AND t.request->>'location_id' = $3 AND t.created_at BETWEEN $4::timestamptz - interval '${AUTHORIZATION_BEFORE}' AND $5`,
            [tokenUid, connectionId, s.location_id, s.start_date_time, s.first_received_at],
          )),
        );
      }
    }
    const seen = new Set<string>();
    return rows.filter((r) => !seen.has(r.id) && seen.add(r.id));
  }

  /**
   * Authorizations of the charge: by its authorization_references; and its token's at its Location shortly before
   * the Session started (2.1.1, or a CPO authorizing a command-started charge again), unless another Session carries
   * that authorization's reference.
   */
  private async authorizationsOf(s: SessionRow | null, connectionId: string | null, references: string[], tokenUid: string | null): Promise<AuthorizationRow[]> {
    const rows: AuthorizationRow[] = [];
    if (references.length > 0) {
      rows.push(
        ...(await this.db.query<AuthorizationRow[]>(`SELECT ${AUTHORIZATION_COLUMNS} FROM token_authorization t WHERE t.authorization_reference = ANY($1::text[])`, [references])),
      );
    }
    if (s && connectionId && tokenUid) {
      rows.push(
        ...(await this.db.query<AuthorizationRow[]>(
          `SELECT ${AUTHORIZATION_COLUMNS} FROM token_authorization t
           WHERE lower(t.token_uid) = lower($1) AND t.connection_id = $2 AND t.location_id = $3
             AND t.answered_at BETWEEN $4::timestamptz - interval '${AUTHORIZATION_BEFORE}' AND $4::timestamptz + interval '${AUTHORIZATION_AFTER}'
             AND (t.authorization_reference IS NULL OR NOT EXISTS (
               SELECT 1 FROM session o WHERE o.mapped->>'authorization_reference' = t.authorization_reference AND o.id <> $5))`,
          [tokenUid, connectionId, s.location_id, s.start_date_time, s.id],
        )),
      );
    }
    const seen = new Set<string>();
    return rows.filter((r) => !seen.has(r.id) && seen.add(r.id));
  }

  /** The Session's applied changes (the latest MAX_SESSION_UPDATES); one from the row itself when none were kept (stored before history was). */
  private async sessionUpdates(s: SessionRow): Promise<{ events: StoryEvent[]; omitted: number }> {
    const rows = await this.db.query<Array<SessionEventRow & { total: string }>>(
      `SELECT id::text AS id, source, change, status, kwh::text AS kwh, last_updated, raw, received_at, count(*) OVER () AS total
       FROM session_event WHERE session_row_id = $1 ORDER BY received_at DESC, id DESC LIMIT ${MAX_SESSION_UPDATES}`,
      [s.id],
    );
    if (rows.length === 0) {
      const summary = `Session ${s.ocpi_id} ${s.status}, ${s.kwh} kWh, as held (stored before each change was kept)`;
      return {
        events: [{ at: s.changed_at.toISOString(), kind: 'SESSION_UPDATE', source: sourceOf(s.source), summary, record: { table: 'session', id: s.id }, raw: s.raw }],
        omitted: 0,
      };
    }
    const events = rows.reverse().map((e): StoryEvent => ({
      at: e.received_at.toISOString(),
      kind: 'SESSION_UPDATE',
      source: sourceOf(e.source),
      summary: `Session ${s.ocpi_id} ${e.change === 'CREATED' ? 'received' : 'updated'}: ${e.status}, ${e.kwh} kWh (last_updated ${e.last_updated.toISOString()})`,
      record: { table: 'session_event', id: e.id },
      raw: e.raw,
    }));
    return { events, omitted: Number(rows[0].total) - rows.length };
  }

  /** Lines of the connection's current (not superseded) invoices naming one of the charge's CDRs, its session or a reference. */
  private invoiceLines(connectionId: string, cdrIds: string[], sessionId: string | null, references: string[]): Promise<InvoiceLineRow[]> {
    const lower = (xs: string[]) => xs.map((x) => x.toLowerCase());
    return this.db.query<InvoiceLineRow[]>(
      `SELECT l.invoice_id, i.invoice_number, l.line_no, l.cdr_ref, l.session_ref, l.authorization_reference, l.amount_excl_vat::text AS amount_excl_vat,
         l.amount_incl_vat::text AS amount_incl_vat, l.currency, l.raw, i.imported_at
       FROM invoice_line l JOIN invoice i ON i.id = l.invoice_id
       WHERE i.connection_id = $1 AND i.superseded_by IS NULL
         AND (lower(l.cdr_ref) = ANY($2::text[]) OR lower(l.session_ref) = $3 OR lower(l.authorization_reference) = ANY($4::text[]))
       ORDER BY i.imported_at, l.invoice_id, l.line_no`,
      [connectionId, lower(cdrIds), sessionId?.toLowerCase() ?? null, lower(references)],
    );
  }
}

function sourceOf(source: 'PULL' | 'PUSH'): 'PULLED' | 'PUSHED' {
  return source === 'PULL' ? 'PULLED' : 'PUSHED';
}

function commandEvents(c: CommandRow): StoryEvent[] {
  const record = { table: 'command' as const, id: c.id };
  const cpo = c.cpo ?? 'the CPO';
  const events: StoryEvent[] = [{ at: c.created_at.toISOString(), kind: 'COMMAND_SENT', source: 'OURS', summary: `${c.command} sent to ${cpo}`, record, raw: c.request }];
  if (c.responded_at) {
    const timeout = c.response_timeout === null ? '' : `, result within ${c.response_timeout} s`;
    events.push({
      at: c.responded_at.toISOString(),
      kind: 'COMMAND_RESPONSE',
      source: 'PULLED',
      summary: `${cpo} answered ${c.command}: ${c.response}${timeout}`,
      record,
      raw: { result: c.response, timeout: c.response_timeout, message: c.response_message },
    });
  } else if (c.error) {
    events.push({ at: c.updated_at.toISOString(), kind: 'COMMAND_NOT_SENT', source: 'OURS', summary: `${c.command} not sent: ${c.error}`, record, raw: { error: c.error } });
  }
  if (c.timed_out_at) {
    events.push({
      at: c.timed_out_at.toISOString(),
      kind: 'COMMAND_TIMEOUT',
      source: 'OURS',
      summary: `${c.command}: no result by ${c.deadline_at?.toISOString() ?? 'the deadline'}`,
      record,
      raw: { deadline_at: c.deadline_at?.toISOString() ?? null },
    });
  }
  if (c.result_at) {
    events.push({
      at: c.result_at.toISOString(),
      kind: 'COMMAND_RESULT',
      source: 'PUSHED',
      summary: `${c.command} result: ${c.result}`,
      record,
      raw: { result: c.result, message: c.result_message },
    });
  }
  return events;
}

/**
 * An authorization we answered: a CPO's real-time request, or our own before a START_SESSION / RESERVE_NOW carrying
 * its reference (mod_commands 2.2.1 §StartSession Object: the eMSP authorizes the Token before sending it).
 */
function authorizationEvent(a: AuthorizationRow, forCommand: CommandRow | null): StoryEvent {
  const where = a.location_id ? ` at Location ${a.location_id}${a.evse_uids?.length ? ` (EVSE ${a.evse_uids.join(', ')})` : ''}` : '';
  const location = a.location_id ? { location_id: a.location_id, evse_uids: a.evse_uids ?? undefined, connector_ids: a.connector_ids ?? undefined } : null;
  return {
    at: a.answered_at.toISOString(),
    kind: 'AUTHORIZATION',
    source: 'OURS',
    summary: forCommand
      ? `We authorized ${a.token_type} token ${a.token_uid}${where} for our ${forCommand.command}: ${a.allowed}`
      : `${a.cpo ?? 'A CPO'} asked to authorize ${a.token_type} token ${a.token_uid}${where}: ${a.allowed}`,
    record: { table: 'token_authorization', id: a.id },
    raw: { request: { token_uid: a.token_uid, token_type: a.token_type, location }, answer: { allowed: a.allowed, authorization_reference: a.authorization_reference } },
  };
}

function cdrEvents(c: CdrRow): StoryEvent[] {
  const record = { table: 'cdr' as const, id: c.id };
  const stated = `${c.stated_before_taxes} ${c.currency} excl. taxes${c.stated_after_taxes === null ? '' : `, ${c.stated_after_taxes} incl.`}`;
  const events: StoryEvent[] = [
    {
      at: c.received_at.toISOString(),
      kind: 'CDR_RECEIVED',
      source: sourceOf(c.source),
      summary: `${c.credit ? 'Credit CDR' : 'CDR'} ${c.ocpi_id} received: ${stated}`,
      record,
      raw: c.raw,
    },
  ];
  if (c.recomputed_at) {
    const verdict = c.exact ? 'exact' : `not exact (${(c.not_exact_because ?? []).join('; ') || 'no reason given'})`;
    events.push({
      at: c.recomputed_at.toISOString(),
      kind: 'CDR_PRICED',
      source: 'OURS',
      summary: `CDR ${c.ocpi_id} priced by us with ${c.priced_with}: ${c.computed_before_taxes ?? '—'} ${c.currency} excl. taxes, difference ${c.difference_before_taxes ?? '—'}; ${verdict}`,
      record,
      raw: {
        computed_before_taxes: c.computed_before_taxes,
        computed_after_taxes: c.computed_after_taxes,
        difference_before_taxes: c.difference_before_taxes,
        difference_after_taxes: c.difference_after_taxes,
        exact: c.exact,
        not_exact_because: c.not_exact_because,
        priced_with: c.priced_with,
        recomputation: c.recomputation,
      },
    });
  }
  return events;
}

function invoiceLineEvent(l: InvoiceLineRow): StoryEvent {
  const by = l.cdr_ref ? `CDR ${l.cdr_ref}` : l.session_ref ? `session ${l.session_ref}` : `authorization reference ${l.authorization_reference}`;
  const amount = l.amount_excl_vat ?? l.amount_incl_vat ?? '—';
  return {
    at: l.imported_at.toISOString(),
    kind: 'INVOICE_LINE',
    source: 'IMPORTED',
    summary: `Invoice ${l.invoice_number} line ${l.line_no} (${by}): ${amount} ${l.currency}${l.amount_excl_vat ? ' excl. VAT' : ''}`,
    record: { table: 'invoice_line', id: `${l.invoice_id}:${l.line_no}` },
    raw: l.raw,
  };
}

function unique(xs: Array<string | null | undefined>): string[] {
  return [...new Set(xs.filter((x): x is string => typeof x === 'string' && x !== ''))];
}

function seedTime(s: Seed): Date {
  if ('session' in s) return s.session.start_date_time;
  if ('cdr' in s) return s.cdr.start_date_time;
  if ('command' in s) return s.command.created_at;
  return s.authorization.answered_at;
}

function dedupe(seeds: Seed[]): Seed[] {
  const seen = new Set<string>();
  return seeds.filter((s) => {
    const id = 'session' in s ? `s:${s.session.id}` : 'cdr' in s ? `c:${s.cdr.id}` : 'command' in s ? `m:${s.command.id}` : `a:${s.authorization.id}`;
    return !seen.has(id) && seen.add(id);
  });
}

/** A charge's identifiers as its seed shows them (no link followed: the list of a busy token stays cheap). */
function listed(seed: Seed): ChargeListed {
  const base = { cdr_ids: [] as string[], command_ids: [] as string[], session_row_id: null, status: null, session_id: null, country_code: null, party_id: null };
  let charge: ChargeIdentifiers;
  if ('session' in seed) {
    const s = seed.session;
    charge = {
      ...base,
      connection_id: s.connection_id,
      cpo: s.cpo,
      country_code: s.country_code,
      party_id: s.party_id,
      session_id: s.ocpi_id,
      session_row_id: s.id,
      status: s.status,
      start_date_time: s.start_date_time.toISOString(),
      token_uid: s.token_uid,
      authorization_references: unique([s.authorization_reference]),
    };
  } else if ('cdr' in seed) {
    const c = seed.cdr;
    charge = {
      ...base,
      connection_id: c.connection_id,
      cpo: c.cpo,
      country_code: c.country_code,
      party_id: c.party_id,
      session_id: c.session_id,
      start_date_time: c.start_date_time.toISOString(),
      cdr_ids: [c.ocpi_id],
      token_uid: c.token_uid,
      authorization_references: unique([c.authorization_reference]),
    };
  } else if ('command' in seed) {
    const c = seed.command;
    charge = {
      ...base,
      connection_id: c.connection_id,
      cpo: c.cpo,
      session_id: c.session_id,
      start_date_time: null,
      token_uid: c.token_uid,
      authorization_references: unique([c.authorization_reference]),
      command_ids: [c.id],
    };
  } else {
    const a = seed.authorization;
    charge = { ...base, connection_id: a.connection_id, cpo: a.cpo, start_date_time: null, token_uid: a.token_uid, authorization_references: unique([a.authorization_reference]) };
  }
  return { ...charge, href: hrefOf(charge) };
}

/** The request that names this charge alone: its session id, else a CDR id, else its authorization reference, with its connection. */
function hrefOf(c: ChargeIdentifiers): string | null {
  const conn = c.connection_id ? `&connection_id=${c.connection_id}` : '';
  const path = '/api/v1/operations/charge-story';
  if (c.session_id) return `${path}?session_id=${encodeURIComponent(c.session_id)}${conn}`;
  if (c.cdr_ids.length > 0) return `${path}?cdr_id=${encodeURIComponent(c.cdr_ids[0])}${conn}`;
  if (c.authorization_references.length > 0) return `${path}?authorization_reference=${encodeURIComponent(c.authorization_references[0])}${conn}`;
  return null;
}
