import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { addDeviations } from '../call-log/wire-deviation.store';
import { AppConfig } from '../config/app-config';
import { MappingContext } from '../ocpi/adapter/ocpi-version-adapter';
import { MappingResult, readIdentity } from '../ocpi/wire/mapping-result';
import { OcpiError } from '../ocpi/wire/ocpi-error';
import { ocpiTimestamp } from '../ocpi/wire/ocpi-response';
import { OcpiStatus } from '../ocpi/wire/ocpi-status';
import { countDeviations, tallyDeviations, WireDeviation, WireDeviationCount } from '../ocpi/wire/wire-deviation';
import { normaliseWireObject } from '../ocpi/wire/wire-normaliser';
import { Accepted, CanonicalOf, ChangedModuleId, IntakeModuleId, IntakeModules, ModuleIntake, NOUN } from './intake-modules';
import { ChangeOutcome, IntakeResult, ItemOutcome, StoreOutcome } from './intake-outcome';
import { IntakeSource } from './intake-source';
import { partyFilter } from './own-parties';
import { ObjectPath, PushedChange } from './pushed-change';
import { rawFitness } from './raw-limits';
import { fileRejections, Rejection } from './rejected-objects';

/**
 * The one path every object a CPO sends takes, pulled or pushed, for every module: a door that refuses what no reader
 * or store may meet (no body, nesting too deep, larger than OCPI_MAX_OBJECT_BYTES, text PostgreSQL cannot hold: see
 * rawFitness, which also says what of it is kept), tolerant reading (counted), the
 * version mapper, the ownership check (a CPO sends only objects of its own parties), then in one transaction the
 * module's store for what was accepted (with what each object bent of the spec), rejected_object for what was not
 * (raw, with the reason), and the day's deviation counts; after the commit, the module's after-store step. One bad
 * object never sinks the others, and nothing a CPO sent is lost: every object ends STORED, SUPERSEDED (a later copy in
 * the batch won) or REJECTED.
 */
@Injectable()
export class IntakeService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly modules: IntakeModules,
    private readonly config: AppConfig,
  ) {}

  /**
   * Takes in a batch of raw wire objects of `module` (a pulled page, or one pushed object).
   * @param transportDeviations deviations the transport already found in the response that carried the batch
   * @param alongside runs in the batch's own transaction once it is stored, with the tallies (a pull records there how
   *   far it came: the batch and that record are committed together or not at all)
   * @returns one outcome per object, in input order, and the tallies.
   */
  async take<K extends IntakeModuleId>(
    source: IntakeSource,
    module: K,
    items: unknown[],
    transportDeviations: WireDeviation[] = [],
    alongside?: (m: EntityManager, result: IntakeResult) => Promise<void>,
  ): Promise<IntakeResult> {
    return this.store(this.prepare(source, module, items, transportDeviations), alongside);
  }

  /**
   * The first half of {@link take}, all of it CPU and none of it database: the door, tolerant reading, the version
   * mapper and the ownership check of a batch. A pull prepares its next page while the page before is being stored.
   */
  prepare<K extends IntakeModuleId>(source: IntakeSource, module: K, items: unknown[], transportDeviations: WireDeviation[] = []): PreparedBatch {
    return prepared(source, module, this.judge(source, module, items, transportDeviations));
  }

  /**
   * {@link prepare}, the same judgement in the same order, but handing the event loop back every
   * {@link PREPARE_SLICE} objects: a pull prepares its next page while the page before is being stored, and a page
   * judged in one go (tens of ms) held up every answer of the database that arrived meanwhile, so the store, the pull's
   * critical path, waited for it (issue 15).
   */
  async prepareInSlices<K extends IntakeModuleId>(source: IntakeSource, module: K, items: unknown[], transportDeviations: WireDeviation[] = []): Promise<PreparedBatch> {
    const judging = this.judging(source, module, items, transportDeviations);
    for (let index = 0; index < items.length; index++) {
      if (index > 0 && index % PREPARE_SLICE === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      judging.judgeOne(index);
    }
    return prepared(source, module, judging.result());
  }

  /**
   * The second half of {@link take}: one transaction storing a prepared batch (accepted objects, rejections, deviation
   * counts; then `alongside`, see take), then the module's after-store step. May run again after a failure (the
   * database went away): the batch is not changed by storing it.
   * @param after the store of the batch before, under way on another connection (a pull's pages, see SyncService):
   *   this one writes its objects' rows meanwhile, then waits for it before writing anything else (rejections, the
   *   day's deviation counts, `alongside`) and committing, so that the two commit in order and never wait for each
   *   other's rows, provided the two batches share no object (the caller's to check: {@link shareNoObject}).
   *   If it failed, this one fails too (rolled back) with {@link BatchBeforeFailed}.
   * @returns one outcome per object, in input order, and the tallies.
   */
  async store(batch: PreparedBatch, alongside?: (m: EntityManager, result: IntakeResult) => Promise<void>, after?: Promise<unknown>): Promise<IntakeResult> {
    const { source, module, judged } = batch as PreparedOf<IntakeModuleId>;
    const stored = await this.db.transaction(async (m) => {
      const outcomes = await this.commit(m, source, module, judged, after);
      await alongside?.(m, tallied(judged.outcomes as ItemOutcome[], judged.deviations));
      return outcomes;
    });
    await this.modules.table[module].afterStore(stored);
    return tallied(judged.outcomes as ItemOutcome[], judged.deviations);
  }

  /**
   * Takes in one PUT or PATCH a CPO pushed to a Receiver interface (Locations, Tariffs, Sessions): the module composes
   * it with what we hold into the whole object (see ComposeChange), which then takes the path of every object, in one
   * transaction with the held row locked, so that two changes to one object never lose each other.
   * The party in the URL must be one of the connection's and the stored object must be the one the URL names.
   * @returns STORED (created: whether we held nothing before), STALE (older than what we hold: nothing changed) or
   *   NOT_HELD (a change to an object we do not hold: nothing stored; the caller may fetch it).
   * @throws OcpiError 2001 naming what was wrong, in HTTP 200 (filed in rejected_object with the raw body); in HTTP
   *   400 when there was no body.
   */
  async takeChange(source: IntakeSource, module: ChangedModuleId, change: PushedChange): Promise<ChangeOutcome> {
    const changes = this.modules.changes[module];
    const noun = NOUN[module];
    const { path, body } = change;
    const filing = { connectionId: source.connectionId, syncRunId: null, module, ocpiVersion: source.adapter.version };
    const identity = { countryCode: path.country_code, partyId: path.party_id, id: path.id };
    const fitness = rawFitness(body, this.config.env.OCPI_MAX_OBJECT_BYTES);
    const early = !fitness.ok
      ? { reason: `Invalid ${noun}: ${fitness.reason}`, kept: fitness.keep }
      : !partyFilter(source.parties)(path.country_code, path.party_id)
        ? { reason: notOwnParty(source, noun, path), kept: body }
        : null;
    if (early) {
      await fileRejections(this.db, filing, [{ raw: early.kept, reason: early.reason, identity }]);
      throw refusal(early.reason, body);
    }
    const inPlace = changes.inPlace ? await changes.inPlace(this.db.manager, source, change) : null;
    if (inPlace) {
      await addDeviations(this.db.manager, source.connectionId, module, countDeviations([...otherVersionDeviation(source), ...inPlace.deviations]));
      if (inPlace.outcome.kind === 'STORED') await this.modules.table[module].afterStore([{ kind: 'STORED', rowId: null, created: false }]);
      return inPlace.outcome;
    }
    const result = await this.db.transaction(async (m): Promise<ComposedResult> => {
      const held = await changes.readHeld(m, path);
      const composed = changes.compose(held, { ...change, lastUpdatedRequired: source.adapter.patchRequiresLastUpdated, receivedAt: ocpiTimestamp() });
      switch (composed.kind) {
        case 'STALE':
          return { outcome: composed, stored: [] };
        case 'NOT_HELD':
          await fileRejections(m, filing, [{ raw: body, reason: composed.reason, identity }]);
          return { outcome: composed, stored: [] };
        case 'REFUSED': {
          const reason = `Invalid ${noun}: ${composed.reason}`;
          await fileRejections(m, filing, [{ raw: body, reason, identity }]);
          return { refused: reason, stored: [] };
        }
        case 'WHOLE': {
          const judged = this.judge(source, module, [composed.whole], [], { path, deviations: composed.deviations });
          const stored = await this.commit(m, source, module, judged);
          const [outcome] = judged.outcomes as ItemOutcome[];
          if (outcome.kind === 'REJECTED') return { refused: outcome.reason, stored };
          return { outcome: { kind: 'STORED', created: held === null, rowId: outcome.kind === 'STORED' ? outcome.rowId : null }, stored };
        }
      }
    });
    if (result.stored.length > 0) await this.modules.table[module].afterStore(result.stored);
    if ('refused' in result) throw refusal(result.refused, body);
    return result.outcome;
  }

  /**
   * Reads, maps and checks the ownership of `items` (no database). `expect`: the object a push's URL names, which the
   * mapped object must be (country_code, party_id, id), with deviations the composing of the change found.
   */
  private judge<K extends IntakeModuleId>(
    source: IntakeSource,
    module: K,
    items: unknown[],
    transportDeviations: WireDeviation[],
    expect?: { path: ObjectPath; deviations: WireDeviation[] },
  ): Judged<CanonicalOf[K]> {
    const judging = this.judging(source, module, items, transportDeviations, expect);
    for (let index = 0; index < items.length; index++) judging.judgeOne(index);
    return judging.result();
  }

  /** {@link judge} one object at a time: `judgeOne` each index once, in order, then `result`. */
  private judging<K extends IntakeModuleId>(
    source: IntakeSource,
    module: K,
    items: unknown[],
    transportDeviations: WireDeviation[],
    expect?: { path: ObjectPath; deviations: WireDeviation[] },
  ): { judgeOne: (index: number) => void; result: () => Judged<CanonicalOf[K]> } {
    const handler: ModuleIntake<CanonicalOf[K]> = this.modules.table[module];
    const tally = new Map<string, WireDeviationCount>();
    tallyDeviations(tally, transportDeviations);
    const otherVersion = otherVersionDeviation(source);
    const context = mappingContext(source);
    const owns = partyFilter(source.parties);
    const outcomes = new Array<ItemOutcome | undefined>(items.length);
    // What rejected_object keeps of each item: the raw object, unless the door below kept a storable form of it.
    const kept = [...items];
    const accepted: Array<Accepted<CanonicalOf[K]> & { index: number }> = [];
    const judgeOne = (index: number): void => {
      const raw = items[index];
      const fitness = rawFitness(raw, this.config.env.OCPI_MAX_OBJECT_BYTES);
      if (!fitness.ok) {
        kept[index] = fitness.keep;
        outcomes[index] = { kind: 'REJECTED', code: 'INVALID', reason: `Invalid ${NOUN[module]}: ${fitness.reason}`, identity: readIdentity(raw) };
        return;
      }
      const normalised = normaliseWireObject(module, raw);
      const mapped = mapSafely(() => handler.map(source.adapter, normalised.value, context), raw);
      const own = [...otherVersion, ...(expect?.deviations ?? []), ...normalised.deviations, ...(mapped.ok ? (mapped.deviations ?? []) : [])];
      tallyDeviations(tally, own);
      if (!mapped.ok) {
        outcomes[index] = { kind: 'REJECTED', code: 'INVALID', reason: `Invalid ${NOUN[module]}: ${mapped.reason}`, identity: mapped.identity };
        return;
      }
      const { country_code, party_id, id } = mapped.value as { country_code: string; party_id: string; id: string };
      const identity = { countryCode: country_code, partyId: party_id, id };
      if (!owns(country_code, party_id)) {
        outcomes[index] = { kind: 'REJECTED', code: 'NOT_OWN_PARTY', reason: notOwnParty(source, NOUN[module], { country_code, party_id, id }), identity };
        return;
      }
      const elsewhere = expect && differsFromPath(expect.path, { country_code, party_id, id });
      if (elsewhere) {
        outcomes[index] = { kind: 'REJECTED', code: 'INVALID', reason: `Invalid ${NOUN[module]}: ${elsewhere}`, identity };
        return;
      }
      accepted.push({ value: mapped.value, raw, rawJson: fitness.json, deviations: countDeviations(own), index });
    };
    return { judgeOne, result: () => ({ outcomes, kept, accepted, deviations: [...tally.values()] }) };
  }

  /**
   * Inside transaction `m`: the module's store for what `judge` accepted, rejected_object for what it refused (and what
   * the store refused), the deviation counts. Fills in the stored objects' outcomes.
   * @returns the store's outcomes, for the module's after-store step once the transaction committed.
   */
  private async commit<K extends IntakeModuleId>(
    m: EntityManager,
    source: IntakeSource,
    module: K,
    judged: Judged<CanonicalOf[K]>,
    after?: Promise<unknown>,
  ): Promise<StoreOutcome[]> {
    const handler: ModuleIntake<CanonicalOf[K]> = this.modules.table[module];
    const { outcomes, kept, accepted, deviations } = judged;
    const storeOutcomes = await handler.store(m, source, accepted);
    // Rows shared with other batches (rejections, the day's deviation counts, the caller's) only once the one before committed.
    if (after) await after.catch(() => Promise.reject(new BatchBeforeFailed()));
    storeOutcomes.forEach((o, i) => {
      const item = accepted[i];
      const v = item.value as { country_code: string; party_id: string; id: string };
      outcomes[item.index] =
        o.kind === 'CONFLICT' || o.kind === 'INVALID'
          ? {
              kind: 'REJECTED',
              code: o.kind,
              reason: o.kind === 'INVALID' ? `Invalid ${NOUN[module]}: ${o.reason}` : o.reason,
              identity: { countryCode: v.country_code, partyId: v.party_id, id: v.id },
            }
          : o;
    });
    const rejections: Rejection[] = [];
    outcomes.forEach((o, i) => o?.kind === 'REJECTED' && rejections.push({ raw: kept[i], reason: o.reason, identity: o.identity }));
    await fileRejections(m, { connectionId: source.connectionId, syncRunId: source.syncRunId, module, ocpiVersion: source.adapter.version }, rejections);
    await addDeviations(m, source.connectionId, module, deviations);
    return storeOutcomes;
  }

  /**
   * Takes in one object a CPO pushed to our Receiver interface.
   * @returns how it was stored (created or already held, our row id when the store has one).
   * @throws OcpiError 2001 with the reason it was filed under in rejected_object: in HTTP 200, since the request reached
   *   the OCPI layer; in HTTP 400 when there was no body at all ("a message [that] does not contain a valid JSON
   *   string", status_codes 2.2.1 §Status codes).
   */
  async takeOne(source: IntakeSource, module: IntakeModuleId, raw: unknown): Promise<Extract<StoreOutcome, { kind: 'STORED' }>> {
    const { outcomes } = await this.take(source, module, [raw]);
    const [outcome] = outcomes;
    switch (outcome.kind) {
      case 'STORED':
        return outcome;
      case 'SUPERSEDED':
        // One object has no later copy to lose to; kept for the switch to stay exhaustive.
        throw new Error('a single pushed object cannot be superseded');
      case 'REJECTED':
        throw refusal(outcome.reason, raw);
    }
  }
}

/** What the transaction of a composed change ends with: its outcome, or why it was refused; and what the store did. */
type ComposedResult = ({ outcome: ChangeOutcome } | { refused: string }) & { stored: StoreOutcome[] };

/**
 * The refusal of a pushed object: 2001 in HTTP 200, since the request reached the OCPI layer; in HTTP 400 when there
 * was no body at all ("a message [that] does not contain a valid JSON string", status_codes 2.2.1 §Status codes).
 */
function refusal(reason: string, body: unknown): OcpiError {
  return body === undefined ? new OcpiError(OcpiStatus.INVALID_OR_MISSING_PARAMETERS, reason, HttpStatus.BAD_REQUEST) : OcpiError.invalidParameters(reason);
}

/** A batch read and checked by {@link IntakeService.prepare}, to be stored by {@link IntakeService.store}. */
export interface PreparedBatch {
  readonly source: IntakeSource;
  readonly module: IntakeModuleId;
  /** The accepted objects' keys (country_code, party_id, id as one JSON text each): the objects its store writes. */
  readonly keys: ReadonlySet<string>;
  /** What the intake step judged of each object; opaque outside it. */
  readonly judged: unknown;
}

/** Whether two prepared batches (their {@link PreparedBatch.keys}) share no object: then their stores write none of the same object rows. */
export function shareNoObject(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const key of small) if (large.has(key)) return false;
  return true;
}

/** The store of the batch before failed, so this one, which must commit after it, was rolled back. */
export class BatchBeforeFailed extends Error {
  constructor() {
    super('the batch before it was not stored, so this one was not either');
  }
}

function prepared<T>(source: IntakeSource, module: IntakeModuleId, judged: Judged<T>): PreparedBatch {
  const keys = new Set<string>();
  for (const { value } of judged.accepted) {
    const { country_code, party_id, id } = value as { country_code: string; party_id: string; id: string };
    keys.add(JSON.stringify([country_code, party_id, id]));
  }
  return { source, module, keys, judged };
}

interface PreparedOf<K extends IntakeModuleId> {
  source: IntakeSource;
  module: K;
  judged: Judged<CanonicalOf[K]>;
}

interface Judged<T> {
  /** One per item; undefined for the accepted ones until the store decides. */
  outcomes: Array<ItemOutcome | undefined>;
  /** What rejected_object keeps of each item. */
  kept: unknown[];
  accepted: Array<Accepted<T> & { index: number }>;
  deviations: WireDeviationCount[];
}

/** Objects judged between two hand-backs of the event loop in {@link IntakeService.prepareInSlices} (a few ms of CPU). */
const PREPARE_SLICE = 10;

/** Tolerated (the path says which version the body is in), but counted: the CPO should use the agreed version's URLs. */
function otherVersionDeviation(source: IntakeSource): WireDeviation[] {
  return source.agreedVersion && source.agreedVersion !== source.adapter.version
    ? [{ kind: 'OTHER_VERSION_ENDPOINT', field: 'path', example: `${source.adapter.version} (agreed: ${source.agreedVersion})` }]
    : [];
}

function tallied(all: ItemOutcome[], deviations: WireDeviationCount[]): IntakeResult {
  return {
    outcomes: all,
    stored: all.filter((o) => o.kind === 'STORED').length,
    rejected: all.filter((o) => o.kind === 'REJECTED').length,
    deviations: deviations.reduce((n, c) => n + c.count, 0),
  };
}

function notOwnParty(source: IntakeSource, noun: string, object: { country_code: string; party_id: string; id: string }): string {
  const own = source.parties.map((p) => `${p.countryCode}*${p.partyId}`).join(', ');
  return `${noun} ${object.id} belongs to party ${object.country_code}*${object.party_id}, which is not a party of this connection (${own}): a CPO may only send objects of its own parties`;
}

/** Why the mapped object is not the one the URL names (CiString: without case), or null. */
function differsFromPath(path: ObjectPath, object: { country_code: string; party_id: string; id: string }): string | null {
  for (const field of ['country_code', 'party_id', 'id'] as const) {
    if (object[field].toUpperCase() !== path[field].toUpperCase()) return `${field} ${JSON.stringify(object[field])} differs from ${JSON.stringify(path[field])} in the URL`;
  }
  return null;
}

/** 2.1.1 objects name no owner: they belong to the connection's single party. */
function mappingContext(source: IntakeSource): MappingContext {
  const [only] = source.parties;
  return { owner: source.parties.length === 1 ? { country_code: only.countryCode, party_id: only.partyId } : null };
}

/** A mapper must not throw; if one does, the object is rejected with the error rather than sinking its batch. */
function mapSafely<T>(map: () => MappingResult<T>, raw: unknown): MappingResult<T> {
  try {
    return map();
  } catch (error) {
    return { ok: false, reason: `could not be read: ${(error as Error).message}`, identity: readIdentity(raw) };
  }
}
