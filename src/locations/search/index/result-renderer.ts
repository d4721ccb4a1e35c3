/**
 * The JSON of a search page's results, byte for byte what JSON.stringify gives for the SQL path's page
 * (search-index.e2e-spec.ts): the list view of each Location, from its RenderPlan (made here on first use) and kept
 * list view when no EVSE filter or `evses` asks for more, else rendered in full. Holds what rendering reads besides the Locations: the
 * current tariff versions, the CPO names and data_as_of, with generations that tell kept views when to go stale.
 */
import { evseAvailability } from '../../availability';
import type { NotFree } from '../../availability';
import type { LocationSearch } from '../search-query';
import type { IndexedLocation, PlanGroup, RenderedListView, RenderPlan } from './indexed-location';
import type { ConnectorKind, IndexedConnector, IndexedEvse } from './packed-evses';
import type { IndexedTariff } from './indexed-tariff';
import { countsJson, JsonBytes } from './json-bytes';
import { ALWAYS_OPEN, openingOf } from './kept-opening';
import type { Hit } from './search-scan';

/** Renders results for one SearchIndex; kept views stay on the Locations (IndexedLocation.rendered). */
export class ResultRenderer {
  /** Current tariff versions by tariffKey. */
  private readonly tariffs = new Map<string, IndexedTariff>();
  private tariffGeneration = 0;
  /** sync_state.last_success_started of module locations, ISO, by connection id (a result's data_as_of). */
  private dataAsOf = new Map<string, string | null>();
  /** business_details.name of each party (country|party), when the Location names no operator. */
  private partyNames = new Map<string, string | null>();
  private namesGeneration = 0;

  /** Puts the current version of a tariff (kept list views are rendered again). */
  setTariff(key: string, tariff: IndexedTariff): void {
    this.tariffs.set(key, tariff);
    this.tariffGeneration += 1;
  }

  /** Drops a deleted tariff (kept list views are rendered again); nothing when it is not held. */
  removeTariff(key: string): void {
    if (this.tariffs.delete(key)) this.tariffGeneration += 1;
  }

  /** The current version of a tariff (by tariffKey), if held. */
  tariff(key: string): IndexedTariff | undefined {
    return this.tariffs.get(key);
  }

  /** Replaces the CPO names; rendered Locations are rendered again only when a name changed. */
  setPartyNames(names: Map<string, string | null>): void {
    if (names.size === this.partyNames.size && [...names].every(([k, v]) => this.partyNames.get(k) === v)) return;
    this.partyNames = names;
    this.namesGeneration += 1;
  }

  /** Replaces data_as_of by connection id (ISO instants; kept views compare it, so no generation is needed). */
  setDataAsOf(dataAsOf: Map<string, string | null>): void {
    this.dataAsOf = dataAsOf;
  }

  /**
   * Writes the page's results, comma-separated, into `out`. `evseMatches`: evseMatcher(q); `atMs`: q.at in epoch ms.
   */
  writeResults(page: Hit[], q: LocationSearch, evseMatches: ((e: IndexedEvse) => boolean) | null, atMs: number, out: JsonBytes): void {
    page.forEach((hit, i) => {
      if (i > 0) out.add(',');
      const l = hit.location;
      if (evseMatches === null && !q.withEvses) {
        const plan = planFor(l, q.availableNow);
        if (plan !== null) return this.renderPlanned(hit, plan, q, atMs, out);
      }
      out.add(this.render(hit, q, evseMatches, atMs));
    });
  }

  /**
   * The list view of one Location as JSON, byte for byte what JSON.stringify gives for the SQL path's result
   * (toResult + attachPrices + connectorGroups): the same keys in the same order. Only ages, free counts, the
   * opening state and price lines vary per request; the Location's head is rendered once, its EVSEs and connectors
   * per request (they are kept packed, see packed-evses.ts).
   */
  private render(hit: Hit, q: LocationSearch, evseMatches: ((e: IndexedEvse) => boolean) | null, atMs: number): string {
    const l = hit.location;
    const opening = openingOf(l, q.at, atMs);
    let closedJson: string | null = null; // not_free of an AVAILABLE EVSE while the Location is closed
    let free = 0;
    let count = 0;
    let oldest = 0;
    const notFree: Partial<Record<NotFree['reason'], number>> = {};
    const groups: Group[] = [];
    const evses: string[] = [];
    const primaries = new Map<IndexedConnector, IndexedTariff | null>();
    for (const e of l.evses.unpack()) {
      if (evseMatches !== null && !evseMatches(e)) continue;
      // available_now narrows the EVSEs listed like the other EVSE filters (the scan kept only open Locations).
      if (q.availableNow && e.status !== 'AVAILABLE') continue;
      count += 1;
      const age = Math.max(0, Math.floor((atMs - e.statusChangedMs) / 1000));
      if (age > oldest) oldest = age;
      let isFree = false;
      let notFreeJson = 'null';
      if (e.status !== 'AVAILABLE') {
        const why = notFreeOfStatus(e.status, q.at);
        notFree[why.reason] = (notFree[why.reason] ?? 0) + 1;
        notFreeJson = why.json;
      } else if (opening.state.open) {
        isFree = true;
        free += 1;
      } else {
        closedJson ??= JSON.stringify(evseAvailability(e.status, opening.state, q.at).not_free);
        const reason = opening.state.reason === 'UNREADABLE_OPENING_TIMES' ? 'OPENING_TIMES_UNREADABLE' : 'LOCATION_CLOSED';
        notFree[reason] = (notFree[reason] ?? 0) + 1;
        notFreeJson = closedJson;
      }
      for (const c of e.connectors) {
        const tariff = this.primaryOf(c, atMs);
        primaries.set(c, tariff);
        let group = groups.find((g) => g.kind === c.kind && g.tariff === tariff);
        if (!group) {
          group = { kind: c.kind, tariff, evseCount: 0, freeCount: 0, lastEvse: null };
          groups.push(group);
        }
        if (group.lastEvse === e) continue; // an EVSE counts once per group
        group.lastEvse = e;
        group.evseCount += 1;
        if (isFree) group.freeCount += 1;
      }
      if (q.withEvses) evses.push(this.renderEvse(e, age, isFree, notFreeJson, primaries, q.lang));
    }
    groups.sort(byPowerThenStandard);
    const connectors = groups.map((g) => `${g.kind.json}${g.evseCount},"free_evse_count":${g.freeCount},"price":${g.tariff ? g.tariff.priceJson(q.lang) : 'null'}}`);
    const dataAsOf = (l.connectionId !== null && this.dataAsOf.get(l.connectionId)) || null;
    return (
      `${this.head(l)}${opening.json}},"distance_m":${Math.round(hit.distanceM)},"evse_count":${count},"free_evse_count":${free},` +
      `"not_free_counts":${countsJson(notFree)},"connectors":[${connectors.join(',')}],"status_age_seconds":${oldest},` +
      `"data_as_of":${dataAsOf === null ? 'null' : `"${dataAsOf}"`}${q.withEvses ? `,"evses":[${evses.join(',')}]` : ''}}`
    );
  }

  /** render() for the list view without EVSE filters, from the Location's RenderPlan: the same JSON. */
  private renderPlanned(hit: Hit, plan: RenderPlan, q: LocationSearch, atMs: number, out: JsonBytes): void {
    const l = hit.location;
    const opening = openingOf(l, q.at, atMs);
    const dataAsOf = (l.connectionId !== null && this.dataAsOf.get(l.connectionId)) || null;
    const kept = plan.rendered;
    if (
      kept !== undefined &&
      kept.opening === opening &&
      kept.lang === q.lang &&
      kept.tariffGeneration === this.tariffGeneration &&
      kept.namesGeneration === this.namesGeneration &&
      kept.dataAsOf === dataAsOf &&
      kept.validFrom <= atMs &&
      atMs < kept.validUntil
    ) {
      return withDistanceAndAge(kept, hit.distanceM, atMs, out);
    }
    // Each plan group's price line now; plan groups of one kind and one price line are one group (first one's place).
    const merged: Group[] = [];
    const mergedOf: number[] = [];
    const window = { from: -Infinity, until: Infinity }; // no tariff shown starts or ends within it
    for (const g of plan.groups) {
      const tariff = this.primaryOfKeys(g.tariffKeys, atMs, window);
      let index = merged.findIndex((m) => m.kind === g.kind && m.tariff === tariff);
      if (index < 0) index = merged.push({ kind: g.kind, tariff, evseCount: 0, freeCount: 0, lastEvse: null }) - 1;
      mergedOf.push(index);
    }
    const notFree: Partial<Record<NotFree['reason'], number>> = {};
    let closedReason: NotFree['reason'] | null = null;
    let free = 0;
    let oldestChangedMs = Infinity;
    const { evses } = plan;
    const count = evses.length / 3;
    for (let i = 0; i < count; i++) {
      const code = evses[i * 3];
      if (evses[i * 3 + 1] < oldestChangedMs) oldestChangedMs = evses[i * 3 + 1];
      let isFree = false;
      if (code !== 0) {
        const why = notFreeOfStatus(STATUSES[code], q.at);
        notFree[why.reason] = (notFree[why.reason] ?? 0) + 1;
      } else if (opening.state.open) {
        isFree = true;
        free += 1;
      } else {
        closedReason ??= opening.state.reason === 'UNREADABLE_OPENING_TIMES' ? 'OPENING_TIMES_UNREADABLE' : 'LOCATION_CLOSED';
        notFree[closedReason] = (notFree[closedReason] ?? 0) + 1;
      }
      let mask = evses[i * 3 + 2];
      let seen = 0; // merged groups this EVSE already counts in
      for (let g = 0; mask > 0; g++, mask = Math.floor(mask / 2)) {
        if (mask % 2 === 0) continue;
        const m = mergedOf[g];
        if (seen & (1 << m)) continue;
        seen |= 1 << m;
        merged[m].evseCount += 1;
        if (isFree) merged[m].freeCount += 1;
      }
    }
    if (merged.length > 1) merged.sort(byPowerThenStandard);
    let connectors = '';
    for (const g of merged) {
      connectors += `${connectors === '' ? '' : ','}${g.kind.json}${g.evseCount},"free_evse_count":${g.freeCount},"price":${g.tariff ? g.tariff.priceJson(q.lang) : 'null'}}`;
    }
    // The oldest age is that of the earliest status time (floor and max are monotone).
    const before = `${this.head(l)}${opening.json}},"distance_m":`;
    const after = `,"evse_count":${count},"free_evse_count":${free},"not_free_counts":${countsJson(notFree)},"connectors":[${connectors}],"status_age_seconds":`;
    const rendered: RenderedListView = {
      lang: q.lang,
      opening,
      tariffGeneration: this.tariffGeneration,
      namesGeneration: this.namesGeneration,
      dataAsOf,
      validFrom: window.from,
      validUntil: window.until,
      bytes: Buffer.from(`${before}${after},"data_as_of":${dataAsOf === null ? 'null' : `"${dataAsOf}"`}}`),
      distanceAt: Buffer.byteLength(before),
      ageAt: Buffer.byteLength(before) + Buffer.byteLength(after),
      oldestChangedMs, // Infinity without EVSEs: age 0, as Math.max(0) of none
    };
    plan.rendered = rendered;
    withDistanceAndAge(rendered, hit.distanceM, atMs, out);
  }

  /** `{"cpo":{…},"location":{…` up to `"opening":`. */
  private head(l: IndexedLocation): string {
    if (l.json && l.json.namesGeneration === this.namesGeneration) return l.json.head;
    const cpo = { country_code: l.countryCode, party_id: l.partyId, name: l.operatorName ?? this.partyNames.get(`${l.countryCode}|${l.partyId}`) ?? null };
    const location = JSON.stringify({
      id: l.id,
      ocpi_id: l.ocpiId,
      name: l.name,
      address: l.address,
      city: l.city,
      postal_code: l.postalCode,
      country: l.country,
      coordinates: { latitude: l.latitude, longitude: l.longitude },
      time_zone: l.timeZone,
      parking_type: l.parkingType,
      facilities: l.facilities,
      is_24_7: l.is247,
    });
    const head = `{"cpo":${JSON.stringify(cpo)},"location":${location.slice(0, -1)},"opening":`;
    l.json = { head, namesGeneration: this.namesGeneration };
    return head;
  }

  /** One EVSE of `evses=true`, as the SQL path's SearchEvse. */
  private renderEvse(e: IndexedEvse, age: number, free: boolean, notFreeJson: string, primaries: Map<IndexedConnector, IndexedTariff | null>, lang: string): string {
    // Made per request: EVSEs are kept packed (packed-evses.ts), so there is no object to keep their JSON on.
    const head = `${JSON.stringify({ uid: e.uid, evse_id: e.evseId, status: e.status, status_changed_at: new Date(e.statusChangedMs).toISOString() }).slice(0, -1)},"status_age_seconds":`;
    const connectors = e.connectors.map((c) => {
      const json = `${JSON.stringify({
        id: c.id,
        ocpi_id: c.ocpiId,
        standard: c.standard,
        format: c.format,
        power_type: c.powerType,
        max_power_kw: c.maxPowerKw,
        max_power_source: c.source,
        tariff_ids: c.tariffIds,
      }).slice(0, -1)},"price":`;
      const tariff = primaries.get(c) ?? null;
      return `${json}${tariff ? tariff.priceJson(lang) : 'null'}}`;
    });
    return `${head}${age},"free":${free},"not_free":${notFreeJson},"capabilities":${JSON.stringify(e.capabilities)},"connectors":[${connectors.join(',')}]}`;
  }

  /** The connector's tariff for the list view: its first active tariff for all sessions (primaryTariff), current version. */
  private primaryOf(c: IndexedConnector, atMs: number): IndexedTariff | null {
    return this.primaryOfKeys(c.tariffKeys, atMs);
  }

  /** primaryOf for a list of tariff keys; narrows `window` to the instants around `atMs` where no tariff read changes activity. */
  private primaryOfKeys(tariffKeys: string[], atMs: number, window?: { from: number; until: number }): IndexedTariff | null {
    if (tariffKeys.length === 0) return null;
    let regular: IndexedTariff | null = null;
    let adHoc: IndexedTariff | null = null;
    let any: IndexedTariff | null = null;
    for (const key of tariffKeys) {
      const t = this.tariffs.get(key);
      if (t && window) {
        for (const edge of [t.startMs, t.endMs]) {
          if (edge === null || Number.isNaN(edge)) continue;
          if (edge <= atMs) window.from = Math.max(window.from, edge);
          else window.until = Math.min(window.until, edge);
        }
      }
      if (!t || !t.activeAt(atMs)) continue;
      const type = t.tariff.type;
      if (!regular && (type === null || type === 'REGULAR')) regular = t;
      if (!adHoc && type === 'AD_HOC_PAYMENT') adHoc = t;
      if (!any) any = t;
    }
    return regular ?? adHoc ?? any;
  }
}

/** A kept list view with this request's distance and oldest status age put in. */
function withDistanceAndAge(r: RenderedListView, distanceM: number, atMs: number, out: JsonBytes): void {
  const age = Math.max(0, Math.floor((atMs - r.oldestChangedMs) / 1000));
  out.addBytes(r.bytes, 0, r.distanceAt);
  out.add(String(Math.round(distanceM)));
  out.addBytes(r.bytes, r.distanceAt, r.ageAt);
  out.add(String(age));
  out.addBytes(r.bytes, r.ageAt, r.bytes.length);
}

/** Why an EVSE with this (non-AVAILABLE) status is not free, and its JSON: the same at every Location and instant. */
const notFreeByStatus = new Map<string, { reason: NotFree['reason']; json: string }>();
function notFreeOfStatus(status: string, at: Date): { reason: NotFree['reason']; json: string } {
  let known = notFreeByStatus.get(status);
  if (!known) {
    const notFree = evseAvailability(status, ALWAYS_OPEN.TWENTYFOURSEVEN.state, at).not_free!;
    known = { reason: notFree.reason, json: JSON.stringify(notFree) };
    if (notFreeByStatus.size < 1000) notFreeByStatus.set(status, known);
  }
  return known;
}

/** connectorGroups' order: most powerful first, then by standard (localeCompare, remembered per pair). */
const standardOrder = new Map<string, number>();
function byPowerThenStandard(a: Group, b: Group): number {
  const byPower = b.kind.maxPowerKw - a.kind.maxPowerKw;
  if (byPower !== 0) return byPower;
  const key = `${a.kind.standard}\n${b.kind.standard}`;
  let order = standardOrder.get(key);
  if (order === undefined) {
    order = a.kind.standard.localeCompare(b.kind.standard);
    if (standardOrder.size < 10_000) standardOrder.set(key, order);
  }
  return order;
}

/** A connector group being counted: kind and price line, EVSEs (each once), free ones. */
interface Group {
  kind: ConnectorKind;
  tariff: IndexedTariff | null;
  evseCount: number;
  freeCount: number;
  lastEvse: IndexedEvse | null;
}

/** Statuses by code; AVAILABLE is 0. */
const STATUSES: string[] = ['AVAILABLE'];
const STATUS_CODES = new Map<string, number>([['AVAILABLE', 0]]);
function statusCode(status: string): number {
  let code = STATUS_CODES.get(status);
  if (code === undefined) {
    code = STATUSES.push(status) - 1;
    STATUS_CODES.set(status, code);
  }
  return code;
}

/** Plan groups by kind and tariff keys, one object each (shared by every Location: they stay in the CPU caches). */
const planGroups = new Map<string, PlanGroup>();

/**
 * The plan of the Location's list view (made on first use, kept on the Location): of all its listed EVSEs, or with
 * `availableOnly` (available_now) of its AVAILABLE ones, the same plan when all are AVAILABLE.
 */
function planFor(l: IndexedLocation, availableOnly: boolean): RenderPlan | null {
  if (!availableOnly) {
    if (l.plan === undefined) l.plan = planOf(l.evses.unpack());
    return l.plan;
  }
  if (l.freePlan === undefined) {
    const available = l.evses.unpack().filter((e) => e.status === 'AVAILABLE');
    l.freePlan = available.length === l.evses.count ? planFor(l, false) : planOf(available);
  }
  return l.freePlan;
}

/** The RenderPlan of these EVSEs; null when their connectors fall in more than 31 groups (a group mask is 31 bits). */
function planOf(listed: IndexedEvse[]): RenderPlan | null {
  const groups: PlanGroup[] = [];
  const evses = new Float64Array(listed.length * 3);
  listed.forEach((e, i) => {
    let mask = 0;
    for (const c of e.connectors) {
      const key = `${c.kind.json}#${c.tariffKeys.join(',')}`;
      let group = planGroups.get(key);
      if (!group) planGroups.set(key, (group = { kind: c.kind, tariffKeys: c.tariffKeys }));
      let index = groups.indexOf(group);
      if (index < 0) index = groups.push(group) - 1;
      mask |= 2 ** index;
    }
    evses.set([statusCode(e.status), e.statusChangedMs, mask], i * 3);
  });
  return groups.length > 31 ? null : { evses, groups };
}
