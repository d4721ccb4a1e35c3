import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ConnectionsService, CpoSession } from '../connections/connections.service';
import { partyFilter } from '../connections/own-parties';
import { SenderPages } from '../connections/sender-pages';
import { LocationStore } from '../locations/location.store';
import { SearchIndexService } from '../locations/search/index/search-index.service';
import { MappingResult, readIdentity } from '../ocpi/wire/mapping-result';
import { tallyDeviations, WireDeviationCount } from '../ocpi/wire/wire-deviation';
import { normaliseWireObject } from '../ocpi/wire/wire-normaliser';
import { OcpiCallError } from '../ocpi/client/ocpi-call.error';
import { OcpiPage, OcpiParty } from '../ocpi/client/ocpi-client';
import { MappingContext } from '../ocpi/adapter/ocpi-version-adapter';
import { TariffStore } from '../tariffs/tariff.store';
import { CdrCostCheck } from '../finance/cdr-cost-check.service';
import { CdrStore } from '../cdrs/cdr.store';
import { AppConfig } from '../config/app-config';
import { SyncLease } from './sync-lease';
import { SyncModule, SyncRunEntity } from './sync-run.entity';
import { fileRejections, Rejection } from '../intake/rejected-objects';
import { addDeviations } from '../intake/wire-deviation.store';

/** Outcome of one module pull from one CPO. */
export interface SyncOutcome {
  module: SyncModule;
  status: 'SUCCEEDED' | 'FAILED' | 'SKIPPED';
  run_id: string | null;
  pages: number;
  received: number;
  /** Valid objects now held as the CPO sent them (written, or already identical); duplicates in a page count once. */
  stored: number;
  rejected: number;
  /** Values the CPO bent and we normalised (counted per kind and field in wire_deviation). */
  deviations: number;
  /** Why it failed or was skipped, in plain words. */
  message: string | null;
}

/** Incremental pulls ask for objects changed since the last good run started, minus this margin for clock skew. */
const DATE_FROM_MARGIN_MS = 5 * 60 * 1000;

/**
 * Pulls modules from a CPO's Sender interfaces (mod_locations 2.2.1 §8.2.1, mod_tariffs 2.2.1 §4.2.1, mod_cdrs
 * 2.2.1 §Sender Interface), page by page, each page stored in one transaction: valid objects upserted (CDRs:
 * inserted once, never replaced), invalid ones kept raw with the reason in rejected_object. A run that dies part-way
 * leaves its pages stored; the next run pulls again from the last *successful* run's start, and upserts (CDRs: the
 * identical-content check) make the overlap harmless: no gap, no duplicate. New CDRs are priced after their page is
 * stored (CdrCostCheck), so a pricing problem never loses a CDR.
 */
@Injectable()
export class SyncService {
  private readonly logger = new Logger(SyncService.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly connections: ConnectionsService,
    private readonly senderPages: SenderPages,
    private readonly locations: LocationStore,
    private readonly tariffs: TariffStore,
    private readonly cdrs: CdrStore,
    private readonly cdrCheck: CdrCostCheck,
    private readonly config: AppConfig,
    private readonly searchIndex: SearchIndexService,
  ) {}

  /**
   * Pulls tariffs, then locations, then CDRs from one registered CPO (CDRs last, so that they are priced with the
   * tariffs and time zones just pulled). CDRs only when the CPO offers a cdrs Sender interface (else SKIPPED, said
   * why: it may push them instead). `full` ignores the incremental date_from.
   */
  async syncConnection(connectionId: string, options: { full?: boolean } = {}): Promise<SyncOutcome[]> {
    const outcomes: SyncOutcome[] = [];
    for (const module of ['tariffs', 'locations'] as const) outcomes.push(await this.syncModule(connectionId, module, options));
    const noCdrs = await this.withoutSender(connectionId, 'cdrs');
    outcomes.push(noCdrs ? skipped('cdrs', noCdrs) : await this.syncModule(connectionId, 'cdrs', options));
    // Only the instance that pulled the tariffs: it is the one that may have brought a tariff a stored CDR waited for.
    if (outcomes[0].status === 'SUCCEEDED') await this.recheckStaleCdrs(connectionId);
    return outcomes;
  }

  /** CDRs priced before their tariffs arrived (or never priced): checked again; a failure is logged, never thrown. */
  private async recheckStaleCdrs(connectionId: string): Promise<void> {
    try {
      const run = await this.cdrCheck.recheckStale(connectionId);
      if (run.checked > 0) this.logger.log({ connectionId, ...run }, 'Re-checked CDRs priced before their tariffs arrived');
    } catch (error) {
      this.logger.warn({ connectionId }, `Re-checking CDRs failed, left for a recompute: ${(error as Error).message}`);
    }
  }

  /** Why `module` cannot be pulled from this CPO (it lists no Sender interface for it), or null when it can. */
  private async withoutSender(connectionId: string, module: 'cdrs'): Promise<string | null> {
    try {
      const { adapter, connection } = await this.connections.session(connectionId);
      if (adapter.senderUrl(connection.theirEndpoints, module)) return null;
      return `the CPO's ${adapter.version} endpoints list no ${module} SENDER interface: nothing to pull (a CPO may push its CDRs instead)`;
    } catch {
      return null; // syncModule reports why the connection cannot be used
    }
  }

  /** Pulls one module from one CPO, unless another instance is already doing so (then SKIPPED). */
  async syncModule(connectionId: string, module: SyncModule, options: { full?: boolean } = {}): Promise<SyncOutcome> {
    const lease = new SyncLease(this.db, connectionId, module);
    const { acquired, lastSuccessStarted } = await lease.acquire();
    // Whatever happens next (even a pull by another instance), this instance's next search catches up first.
    this.searchIndex.markDirty();
    if (!acquired) return skipped(module, 'another instance is pulling this module from this CPO right now');
    const dateFrom = options.full || !lastSuccessStarted ? null : new Date(lastSuccessStarted.getTime() - DATE_FROM_MARGIN_MS);
    const run = await this.db.getRepository(SyncRunEntity).save({
      connectionId, module, status: 'RUNNING', dateFrom, startedAt: new Date(), finishedAt: null,
      pages: 0, objectsReceived: 0, objectsStored: 0, objectsRejected: 0, deviations: 0, error: null,
    });
    try {
      const session = await this.connections.session(connectionId);
      await this.pull(session, module, run, lease);
      await this.finish(run, 'SUCCEEDED', null);
      await lease.release(run.startedAt);
      await this.connections.recordError(connectionId, null);
    } catch (error) {
      const message = describeFailure(module, error);
      await this.finish(run, 'FAILED', message);
      await lease.release(null);
      await this.connections.recordError(connectionId, message);
      this.logger.warn({ connectionId, module, runId: run.id }, message);
    }
    this.searchIndex.markDirty(); // committed and released: read-your-writes for the searches after this pull
    return outcome(run);
  }

  private async pull(session: CpoSession, module: SyncModule, run: SyncRunEntity, lease: SyncLease): Promise<void> {
    const { connection } = session;
    const params = { limit: this.config.env.OCPI_PAGE_LIMIT, date_from: run.dateFrom?.toISOString() };
    const pages = this.senderPages.pages(session, module, params, {
      routeTo: hubOf(connection.parties),
      // One correlation id per pull, shared by its pages (transport_and_format 2.2.1 §Unique message IDs).
      context: { connectionId: connection.id, module, correlationId: randomUUID() },
    });
    for await (const page of pages) {
      const { stored, rejected, deviations, newCdrRows } = await this.db.transaction((m) => this.storePage(m, session, module, run, page));
      if (newCdrRows.length > 0) await this.priceNewCdrs(newCdrRows);
      run.pages += 1;
      run.objectsReceived += page.items.length;
      run.objectsStored += stored;
      run.objectsRejected += rejected;
      run.deviations += deviations;
      await this.db.getRepository(SyncRunEntity).update(run.id, {
        pages: run.pages, objectsReceived: run.objectsReceived, objectsStored: run.objectsStored, objectsRejected: run.objectsRejected,
        deviations: run.deviations,
      });
      await lease.renew();
    }
  }

  /**
   * Normalises (tolerant reading, counted), maps and stores one page inside transaction `m`; an invalid object is
   * filed, never thrown. The raw object is what is stored and filed; the mapper reads the normalised one.
   */
  private async storePage(m: EntityManager, session: CpoSession, module: SyncModule, run: SyncRunEntity, page: OcpiPage) {
    const { adapter, connection } = session;
    // 2.1.1 objects name no owner: they belong to the connection's single party.
    const context = { owner: connection.parties.length === 1 ? { country_code: connection.parties[0].countryCode, party_id: connection.parties[0].partyId } : null };
    const tally = new Map<string, WireDeviationCount>();
    tallyDeviations(tally, page.deviations);
    const owns = partyFilter(connection.parties.map((p) => ({ role: p.role, countryCode: p.countryCode, partyId: p.partyId })));
    const accepted: Array<{ value: any; raw: unknown }> = [];
    const rejections: Rejection[] = [];
    for (const raw of page.items) {
      const normalised = normaliseWireObject(module, raw);
      tallyDeviations(tally, normalised.deviations);
      const wire = normalised.value;
      const mapped = mapSafely(() => mapperOf(adapter, module)(wire, context), raw);
      if (!mapped.ok) {
        rejections.push({ raw, reason: mapped.reason, identity: mapped.identity });
      } else if (!owns(mapped.value.country_code, mapped.value.party_id)) {
        rejections.push({
          raw,
          reason: `belongs to party ${mapped.value.country_code}*${mapped.value.party_id}, which is not a party of this connection`,
          identity: { countryCode: mapped.value.country_code, partyId: mapped.value.party_id, id: mapped.value.id },
        });
      } else {
        accepted.push({ value: mapped.value, raw });
      }
    }
    let stored: number;
    const newCdrRows: string[] = [];
    if (module === 'cdrs') {
      // Never latestPerKey: a CDR is immutable, so a second copy under one id is compared, not preferred.
      const outcomes = await this.cdrs.insertMany(m, connection.id, adapter.version, 'PULL', accepted.map((a) => ({ cdr: a.value, raw: a.raw })));
      for (const o of outcomes) {
        if (o.kind === 'INSERTED') newCdrRows.push(o.rowId);
        if (o.kind === 'CONFLICT') rejections.push({ raw: o.item.raw, reason: o.reason, identity: { countryCode: o.item.cdr.country_code, partyId: o.item.cdr.party_id, id: o.item.cdr.id } });
      }
      stored = outcomes.filter((o) => o.kind !== 'CONFLICT').length;
    } else {
      const batch = latestPerKey(accepted);
      // Written or already current: the store skips objects identical to (or older than) what we hold.
      if (module === 'locations') await this.locations.upsertMany(m, connection.id, adapter.version, batch.map((b) => ({ location: b.value, raw: b.raw })));
      else await this.tariffs.upsertMany(m, connection.id, adapter.version, batch.map((b) => ({ tariff: b.value, raw: b.raw })));
      stored = batch.length;
    }
    await fileRejections(m, { connectionId: connection.id, syncRunId: run.id, module, ocpiVersion: adapter.version }, rejections);
    const counts = [...tally.values()];
    await addDeviations(m, connection.id, module, counts);
    return { stored, rejected: rejections.length, deviations: counts.reduce((n, c) => n + c.count, 0), newCdrRows };
  }

  /** Prices CDRs just stored; a failure is logged and left for the finance API's recompute (the CDRs are kept). */
  private async priceNewCdrs(rowIds: string[]): Promise<void> {
    try {
      await this.cdrCheck.checkRows(rowIds);
    } catch (error) {
      this.logger.warn({ cdrs: rowIds.length }, `Pricing new CDRs failed, left for a recompute: ${(error as Error).message}`);
    }
  }

  private async finish(run: SyncRunEntity, status: 'SUCCEEDED' | 'FAILED', error: string | null): Promise<void> {
    run.status = status;
    run.error = error;
    run.finishedAt = new Date();
    await this.db.getRepository(SyncRunEntity).update(run.id, { status, error, finishedAt: run.finishedAt });
  }
}

/** The version mapper of `module`. */
function mapperOf(adapter: CpoSession['adapter'], module: SyncModule): (raw: unknown, context: MappingContext) => MappingResult<any> {
  switch (module) {
    case 'locations':
      return (raw, context) => adapter.mapLocation(raw, context);
    case 'tariffs':
      return (raw, context) => adapter.mapTariff(raw, context);
    case 'cdrs':
      return (raw, context) => adapter.mapCdr(raw, context);
  }
}

/** A mapper must not throw; if one does, the object is rejected with the error rather than sinking its page. */
function mapSafely(map: () => MappingResult<any>, raw: unknown): MappingResult<any> {
  try {
    return map();
  } catch (error) {
    return { ok: false, reason: `could not be read: ${(error as Error).message}`, identity: readIdentity(raw) };
  }
}

/**
 * GET All via a hub (transport_and_format 2.2.1 §GET All via Hubs): when the connection's counterpart is a HUB,
 * our pulls address the hub itself in the OCPI-to-* headers; a direct CPO connection needs none.
 */
function hubOf(parties: Array<{ role: string; countryCode: string; partyId: string }>): OcpiParty | null {
  const hub = parties.find((p) => p.role === 'HUB');
  return hub ? { countryCode: hub.countryCode, partyId: hub.partyId } : null;
}

/** The same object twice in one page: keep the most recent (ON CONFLICT cannot touch a row twice per statement). */
function latestPerKey<T extends { value: { country_code: string; party_id: string; id: string; last_updated: string } }>(items: T[]): T[] {
  const byKey = new Map<string, T>();
  for (const item of items) {
    const k = `${item.value.country_code}|${item.value.party_id}|${item.value.id}`;
    const seen = byKey.get(k);
    if (!seen || seen.value.last_updated <= item.value.last_updated) byKey.set(k, item);
  }
  return [...byKey.values()];
}

function describeFailure(module: SyncModule, error: unknown): string {
  if (error instanceof OcpiCallError) return `Pulling ${module} failed (${error.kind}) at ${error.details.method} ${error.details.url}: ${error.explanation}`;
  return `Pulling ${module} failed: ${(error as Error).message}`;
}

function skipped(module: SyncModule, message: string): SyncOutcome {
  return { module, status: 'SKIPPED', run_id: null, pages: 0, received: 0, stored: 0, rejected: 0, deviations: 0, message };
}

function outcome(run: SyncRunEntity): SyncOutcome {
  return {
    module: run.module, status: run.status === 'SUCCEEDED' ? 'SUCCEEDED' : 'FAILED', run_id: run.id, pages: run.pages,
    received: run.objectsReceived, stored: run.objectsStored, rejected: run.objectsRejected, deviations: run.deviations, message: run.error,
  };
}
