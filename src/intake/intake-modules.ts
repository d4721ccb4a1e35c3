import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CanonicalCdr } from '../cdrs/cdr.model';
import { CdrStore } from '../cdrs/cdr.store';
import { CdrCostCheck } from '../finance/cdr-cost-check.service';
import { CanonicalLocation } from '../locations/location.model';
import { LocationStore } from '../locations/location.store';
import { SearchIndexService } from '../locations/search/index/search-index.service';
import { MappingContext, OcpiVersionAdapter } from '../ocpi/adapter/ocpi-version-adapter';
import { MappingResult } from '../ocpi/wire/mapping-result';
import { CanonicalSession } from '../sessions/session.model';
import { SessionStore, SessionStoreOutcome } from '../sessions/session.store';
import { WireDeviation, WireDeviationCount } from '../ocpi/wire/wire-deviation';
import { CanonicalTariff } from '../tariffs/tariff.model';
import { TariffStore } from '../tariffs/tariff.store';
import { ChangeOutcome, StoreOutcome } from './intake-outcome';
import { evseStatusPatch } from './evse-status-patch';
import { composeLocationChange } from './location-changes';
import { composeSessionChange, composeTariffChange } from './object-changes';
import { ComposeChange, ObjectPath, PushedChange } from './pushed-change';
import { IntakeSource } from './intake-source';

/** The modules whose objects a CPO sends us, pulled or pushed, and their canonical object. */
export interface CanonicalOf {
  locations: CanonicalLocation;
  tariffs: CanonicalTariff;
  sessions: CanonicalSession;
  cdrs: CanonicalCdr;
}
export type IntakeModuleId = keyof CanonicalOf;

/** A module's objects by the name the spec gives one of them, for messages. */
export const NOUN: Record<IntakeModuleId, string> = { locations: 'Location', tariffs: 'Tariff', sessions: 'Session', cdrs: 'CDR' };

/** The modules a CPO may PUT and PATCH at our Receiver interface (CDRs are only POSTed: they are never changed). */
export type ChangedModuleId = Exclude<IntakeModuleId, 'cdrs'>;

/**
 * How a module takes a pushed PUT or PATCH: the held raw object (row locked), and how a change composes with it; and
 * optionally a store in place for a change so common and so simple that composing the whole object would be waste
 * (null when it does not apply: the change then takes the general path).
 */
export interface ChangeIntake {
  readHeld(m: EntityManager, path: ObjectPath): Promise<unknown>;
  compose: ComposeChange;
  inPlace?(db: EntityManager, source: IntakeSource, change: PushedChange): Promise<{ outcome: Exclude<ChangeOutcome, { kind: 'NOT_HELD' }>; deviations: WireDeviation[] } | null>;
}

/**
 * An accepted object (mapped, of one of the connection's parties) with the raw object it came from and what it bent
 * of the spec (per kind and field, as the tolerant-reading pass, its version mapper and the intake found it), for a
 * store that keeps it with the object.
 */
export interface Accepted<T> {
  value: T;
  raw: unknown;
  /** JSON.stringify(raw), when the intake already wrote it (it measures every object). */
  rawJson?: string;
  deviations: WireDeviationCount[];
}

/** What is particular to one module in the one intake step: its version mapper, its store and what follows a store. */
export interface ModuleIntake<T> {
  /** The version mapper (wire ⇄ canonical); never throws (the intake guards it anyway). */
  map(adapter: OcpiVersionAdapter, wire: unknown, context: MappingContext): MappingResult<T>;
  /** Stores the accepted objects inside the intake's transaction `m`; one outcome per object, in input order. */
  store(m: EntityManager, source: IntakeSource, batch: Array<Accepted<T>>): Promise<StoreOutcome[]>;
  /** After the transaction committed (e.g. price new CDRs). Must not throw: what is stored stays stored. */
  afterStore(outcomes: StoreOutcome[]): Promise<void>;
}

/**
 * The table that drives the intake step: one row per module. Locations, Tariffs and Sessions are upserted (the store
 * skips what is identical to or older than what we hold; of two copies in one batch the later last_updated wins); CDRs
 * are inserted once and never replaced, then priced. A Session and its CDR (CDR.session_id) are linked in the
 * transaction that stores the second of the two, whichever it is.
 */
@Injectable()
export class IntakeModules {
  private readonly logger = new Logger(IntakeModules.name);
  readonly table: { [K in IntakeModuleId]: ModuleIntake<CanonicalOf[K]> };
  readonly changes: Record<ChangedModuleId, ChangeIntake>;

  constructor(locations: LocationStore, tariffs: TariffStore, sessions: SessionStore, cdrs: CdrStore, cdrCheck: CdrCostCheck, searchIndex: SearchIndexService) {
    // Whichever instance wrote, its next search catches up first (read-your-writes for the app).
    const searchCatchesUp = () => {
      searchIndex.markDirty();
      return Promise.resolve();
    };
    this.changes = {
      locations: {
        readHeld: (m, path) => locations.heldRaw(m, path),
        compose: composeLocationChange,
        inPlace: async (db, source, change) => {
          const patch = evseStatusPatch(change);
          if (!patch) return null;
          const stored = await locations.patchEvseStatus(db, source.connectionId, patch.path, patch);
          switch (stored.kind) {
            case 'OTHER':
              return null;
            case 'STALE':
              return { outcome: stored, deviations: patch.deviations };
            case 'STORED':
              return { outcome: { kind: 'STORED', created: false, rowId: null }, deviations: patch.deviations };
          }
        },
      },
      tariffs: { readHeld: (m, path) => tariffs.heldRaw(m, path), compose: composeTariffChange },
      sessions: { readHeld: (m, path) => sessions.heldRaw(m, path), compose: composeSessionChange },
    };
    this.table = {
      locations: {
        map: (adapter, wire, context) => adapter.mapLocation(wire, context),
        store: (m, source, batch) =>
          upsertLatest(batch, (latest) =>
            locations.upsertMany(
              m,
              source.connectionId,
              source.adapter.version,
              latest.map((b) => ({ location: b.value, raw: b.raw, rawJson: b.rawJson })),
              source.syncRunId,
            ),
          ),
        afterStore: searchCatchesUp,
      },
      tariffs: {
        map: (adapter, wire, context) => adapter.mapTariff(wire, context),
        store: (m, source, batch) =>
          upsertLatest(batch, (latest) =>
            tariffs.upsertMany(
              m,
              source.connectionId,
              source.adapter.version,
              latest.map((b) => ({ tariff: b.value, raw: b.raw })),
              new Date(),
              source.syncRunId,
            ),
          ),
        afterStore: searchCatchesUp,
      },
      sessions: {
        map: (adapter, wire, context) => adapter.mapSession(wire, context),
        store: async (m, source, batch) => {
          const stored = await sessions.upsertMany(
            m,
            source.connectionId,
            source.adapter.version,
            source.channel,
            batch.map((b) => ({ session: b.value, raw: b.raw })),
          );
          // A CDR that arrived before its Session (pushed, or pulled earlier) is linked now.
          const keys = batch.map(({ value: s }) => ({ country_code: s.country_code, party_id: s.party_id, session_id: s.id }));
          await sessions.linkCdrs(m, await cdrs.ofSessions(m, keys));
          return stored.map(sessionOutcome);
        },
        afterStore: () => Promise.resolve(),
      },
      cdrs: {
        map: (adapter, wire, context) => adapter.mapCdr(wire, context),
        // Never "latest per key": a CDR is immutable, so a second copy under one id is compared, not preferred.
        store: async (m, source, batch) => {
          const stored = await cdrs.insertMany(
            m,
            source.connectionId,
            source.adapter.version,
            source.channel,
            batch.map((b) => ({ cdr: b.value, raw: b.raw, deviations: b.deviations })),
          );
          // A new CDR names its Session (2.2.1+): linked when we hold it; a credit CDR names its original's, already linked.
          const links = stored.flatMap((o) =>
            o.kind === 'INSERTED' && o.item.cdr.session_id && !o.item.cdr.credit
              ? [{ country_code: o.item.cdr.country_code, party_id: o.item.cdr.party_id, session_id: o.item.cdr.session_id, cdr_id: o.rowId }]
              : [],
          );
          await sessions.linkCdrs(m, links);
          return stored.map((o): StoreOutcome => {
            switch (o.kind) {
              case 'CONFLICT':
                return { kind: 'CONFLICT', reason: o.reason };
              case 'UNDERIVABLE':
                return { kind: 'INVALID', reason: o.reason };
              case 'INSERTED':
              case 'IDENTICAL':
                return { kind: 'STORED', rowId: o.rowId, created: o.kind === 'INSERTED' };
            }
          });
        },
        afterStore: async (outcomes) => {
          const created = outcomes.flatMap((o) => (o.kind === 'STORED' && o.created && o.rowId ? [o.rowId] : []));
          if (created.length === 0) return;
          // A pricing failure must not lose or refuse a CDR: the next tariffs pull re-checks it, or a recompute.
          await cdrCheck.checkRows(created).catch((error: Error) => {
            this.logger.warn({ cdrs: created.length }, `Pricing new CDRs failed, left for a re-check: ${error.message}`);
          });
        },
      },
    };
  }
}

/**
 * What the intake reports of a stored Session: held as sent, or already newer (STALE: the held one stays, as for every
 * upserted module), or left to the connection that holds it (a CONFLICT, filed with the reason).
 */
function sessionOutcome(o: SessionStoreOutcome): StoreOutcome {
  switch (o.kind) {
    case 'CREATED':
      return { kind: 'STORED', rowId: o.rowId, created: true };
    case 'UPDATED':
    case 'UNCHANGED':
    case 'STALE':
      return { kind: 'STORED', rowId: o.rowId, created: false };
    case 'SUPERSEDED':
      return { kind: 'SUPERSEDED' };
    case 'HELD_ELSEWHERE':
      return { kind: 'CONFLICT', reason: o.reason };
  }
}

/**
 * The same object twice in one batch: the copy with the later last_updated is stored (ON CONFLICT cannot touch a row
 * twice per statement), the other is SUPERSEDED.
 */
async function upsertLatest<T extends { country_code: string; party_id: string; id: string; last_updated: string }>(
  batch: Array<Accepted<T>>,
  upsert: (latest: Array<Accepted<T>>) => Promise<unknown>,
): Promise<StoreOutcome[]> {
  const latestIndex = new Map<string, number>();
  batch.forEach((item, i) => {
    const k = `${item.value.country_code}|${item.value.party_id}|${item.value.id}`;
    const seen = latestIndex.get(k);
    if (seen === undefined || batch[seen].value.last_updated <= item.value.last_updated) latestIndex.set(k, i);
  });
  const chosen = new Set(latestIndex.values());
  await upsert(batch.filter((_, i) => chosen.has(i)));
  return batch.map((_, i): StoreOutcome => (chosen.has(i) ? { kind: 'STORED', rowId: null, created: null } : { kind: 'SUPERSEDED' }));
}
