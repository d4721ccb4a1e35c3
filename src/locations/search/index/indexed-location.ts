/**
 * What the search index holds of a Location (filled by SearchIndexService; its EVSEs and connectors packed, their
 * unpacked shapes in packed-evses.ts), and what it keeps on a Location between requests: the opening state, the render
 * plan and the last rendered list view. Shapes only (and the shared ConnectorKind objects): the code that fills the
 * kept parts is in kept-opening.ts and result-renderer.ts.
 */
import type { Opening } from '../../availability';
import type { Hours } from '../../opening-times.model';
import type { ConnectorKind, PackedEvses } from './packed-evses';

/** One published Location as the search needs it (EVSEs not REMOVED, in uid order as the SQL path lists them; location-visibility.ts). */
export interface IndexedLocation {
  id: string;
  ocpiId: string;
  countryCode: string;
  partyId: string;
  name: string | null;
  address: string;
  city: string;
  postalCode: string | null;
  country: string;
  latitude: number;
  longitude: number;
  timeZone: string;
  parkingType: string | null;
  facilities: string[];
  is247: boolean;
  openingTimes: Hours | null;
  /** location.always_open_from in epoch ms (-Infinity: always), null when the hours need evaluating. */
  alwaysOpenFrom: number | null;
  operatorName: string | null;
  connectionId: string | null;
  /** Packed: see PackedEvses (unpack() for the objects). */
  evses: PackedEvses;
  /** Some EVSE is AVAILABLE (the "available now" candidates when no EVSE filter is given). */
  anyAvailable: boolean;
  /** The opening state last evaluated, kept until it may change (see evaluateOpeningHoursUntil), with its JSON. */
  opening: KeptOpening | null;
  /** Its JSON from `{"cpo":` to `"opening":`, made on first use, for the CPO names of generation `namesGeneration`. */
  json?: { head: string; namesGeneration: number };
  /** Its EVSEs and connector groups packed for the list view (see RenderPlan), made on first use; null: too many groups. */
  plan?: RenderPlan | null;
  /** The same for its AVAILABLE EVSEs only (the list view of available_now); `plan` itself when all are AVAILABLE. */
  freePlan?: RenderPlan | null;
}

/** The opening state last evaluated for a Location, its JSON, and the span of instants [from, until) it holds for. */
export interface KeptOpening {
  state: Opening;
  json: string;
  from: number;
  until: number;
}

/**
 * A list view rendered in three pieces around what changes with every request (the distance and the status age):
 * valid for one language, opening state, generation of tariffs and CPO names, data_as_of, and span of instants in
 * which no tariff it shows starts or ends.
 */
export interface RenderedListView {
  lang: string;
  opening: KeptOpening;
  tariffGeneration: number;
  namesGeneration: number;
  dataAsOf: string | null;
  validFrom: number;
  validUntil: number;
  /** The JSON, UTF-8, with the distance cut out at byte `distanceAt` and the status age at byte `ageAt`. */
  bytes: Buffer;
  distanceAt: number;
  ageAt: number;
  /** The earliest status_changed_at, ms: the oldest status age is measured from it. */
  oldestChangedMs: number;
}

/**
 * What the list view (no EVSE filter, no `evses`) needs of a Location's EVSEs, packed so that rendering touches a few
 * objects instead of every EVSE, connector and tariff list (memory latency, again): per EVSE its status (0 =
 * AVAILABLE, else an index into STATUSES of result-renderer.ts), status time and the groups its connectors fall in (a bit mask).
 * Groups are (connector kind, tariff ids) in order of first appearance; two of them may still merge in a request
 * when their tariffs give the same price line then (see ResultRenderer.renderPlanned).
 */
export interface RenderPlan {
  /** [status, status_changed_at ms, group mask] per EVSE. */
  evses: Float64Array;
  groups: PlanGroup[];
  /** Its last list view, kept while nothing it depends on changes (see ResultRenderer.renderPlanned). */
  rendered?: RenderedListView;
}

/** A group of a RenderPlan: one connector kind with one list of tariffs (objects shared by every Location). */
export interface PlanGroup {
  kind: ConnectorKind;
  tariffKeys: string[];
}

/** Connector kinds by key, one object each. */
const kinds = new Map<string, ConnectorKind>();

/** The ConnectorKind of a connector: the group key of the SQL path's connectorGroups, minus the price. */
export function connectorKind(standard: string, format: string, powerType: string, maxPowerKw: number): ConnectorKind {
  const key = `${standard}|${format}|${powerType}|${maxPowerKw}`;
  let kind = kinds.get(key);
  if (!kind) {
    const json = JSON.stringify({ standard, format, power_type: powerType, max_power_kw: maxPowerKw });
    kind = { standard, format, powerType, maxPowerKw, json: `${json.slice(0, -1)},"evse_count":` };
    kinds.set(key, kind);
  }
  return kind;
}
