import { assertNever } from '../common/assert-never';
import { html, Html } from './html';

/**
 * What the map colours an EVSE by (closed set): FREE (AVAILABLE), CHARGING, OUT_OF_ORDER (OUTOFORDER, INOPERATIVE),
 * ABSENT (the CPO no longer lists it or its Location, or says REMOVED), OTHER (BLOCKED, RESERVED, PLANNED, UNKNOWN).
 */
export type MapStatus = 'FREE' | 'CHARGING' | 'OUT_OF_ORDER' | 'ABSENT' | 'OTHER';
export const MAP_STATUSES: readonly MapStatus[] = ['FREE', 'CHARGING', 'OUT_OF_ORDER', 'ABSENT', 'OTHER'];

/** The fill of each map status (also the legend's). */
export const MAP_COLOURS: Readonly<Record<MapStatus, string>> = {
  FREE: '#2e9d57',
  CHARGING: '#1f6fd1',
  OUT_OF_ORDER: '#c0392b',
  ABSENT: '#9aa3ad',
  OTHER: '#e0a100',
};

/** An EVSE status (evse.status, OCPI Status enum) of a Location we hold, as the map colours it. */
export function mapStatusOf(status: string, absent: boolean): MapStatus {
  if (absent) return 'ABSENT';
  switch (status) {
    case 'AVAILABLE':
      return 'FREE';
    case 'CHARGING':
      return 'CHARGING';
    case 'OUTOFORDER':
    case 'INOPERATIVE':
      return 'OUT_OF_ORDER';
    case 'REMOVED':
      return 'ABSENT';
    default:
      return 'OTHER';
  }
}

/** A Location as the map draws it. */
export interface MapLocation {
  ocpi_id: string;
  name: string | null;
  address: string;
  latitude: number;
  longitude: number;
  absent: boolean;
  evses: Array<{ uid: string; status: string; absent: boolean }>;
}

const WIDTH = 900;
const HEIGHT = 600;
const MARGIN = 30;

/** Words for a map status, in the legend and hover titles. */
function statusWords(s: MapStatus): string {
  switch (s) {
    case 'FREE':
      return 'free';
    case 'CHARGING':
      return 'charging';
    case 'OUT_OF_ORDER':
      return 'out of order';
    case 'ABSENT':
      return 'absent';
    case 'OTHER':
      return 'blocked, reserved, planned or unknown';
    default:
      return assertNever(s, 'map status');
  }
}

/**
 * The Locations on a blank SVG (no tile server, no script): longitude and latitude projected linearly onto the box of
 * these Locations (longitudes shrunk by the cosine of the middle latitude, so shapes keep their proportions), each
 * Location a `<g class="location">` with its EVSEs as `<circle class="evse {status}">` in a small ring round its point,
 * filled by {@link MAP_COLOURS}, each with a `<title>` (hover) naming the Location, the EVSE and its status.
 */
export function locationMap(locations: readonly MapLocation[]): Html {
  const counts = new Map<MapStatus, number>(MAP_STATUSES.map((s) => [s, 0]));
  const legend = () =>
    MAP_STATUSES.map(
      (s) =>
        html`<span class="legend" data-status="${s}"
          ><svg width="10" height="10" aria-hidden="true"><circle cx="5" cy="5" r="5" fill="${MAP_COLOURS[s]}" /></svg> ${statusWords(s)}:
          <span class="count">${counts.get(s) ?? 0}</span></span
        > `,
    );
  if (locations.length === 0) return html`<p class="muted">No Location held from this CPO.</p>`;
  const lats = locations.map((l) => l.latitude);
  const lons = locations.map((l) => l.longitude);
  const [minLat, maxLat, minLon, maxLon] = [Math.min(...lats), Math.max(...lats), Math.min(...lons), Math.max(...lons)];
  const shrink = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  // A single point (or a line) still gets a box: at least ~100 m either way.
  const spanX = Math.max((maxLon - minLon) * shrink, 0.001);
  const spanY = Math.max(maxLat - minLat, 0.001);
  const scale = Math.min((WIDTH - 2 * MARGIN) / spanX, (HEIGHT - 2 * MARGIN) / spanY);
  const offsetX = (WIDTH - spanX * scale) / 2;
  const offsetY = (HEIGHT - spanY * scale) / 2;
  const project = (lat: number, lon: number) => ({ x: offsetX + (lon - minLon) * shrink * scale, y: HEIGHT - offsetY - (lat - minLat) * scale });
  const dot = locations.length > 500 ? 2 : 4;
  const marks = locations.map((l) => {
    const { x, y } = project(l.latitude, l.longitude);
    const ring = l.evses.length <= 1 ? 0 : dot * 1.6;
    const evses = l.evses.map((e, i) => {
      const status = mapStatusOf(e.status, e.absent || l.absent);
      counts.set(status, (counts.get(status) ?? 0) + 1);
      const angle = (2 * Math.PI * i) / Math.max(1, l.evses.length);
      return html`<circle
        class="evse ${status}"
        data-evse-uid="${e.uid}"
        data-status="${status}"
        cx="${(x + ring * Math.cos(angle)).toFixed(1)}"
        cy="${(y + ring * Math.sin(angle)).toFixed(1)}"
        r="${dot}"
        fill="${MAP_COLOURS[status]}"
        ><title>${l.name ?? l.ocpi_id}, ${l.address}: EVSE ${e.uid} ${e.status}${e.absent || l.absent ? ' (absent)' : ''}</title></circle
      >`;
    });
    return html`<g class="location" data-location-id="${l.ocpi_id}">
      <circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="${ring + dot + 1}" fill="none" stroke="#49535e" stroke-width="0.5"
        ><title>${l.name ?? l.ocpi_id}, ${l.address}: ${l.evses.length} EVSE(s)</title></circle
      >
      ${evses}
    </g>`;
  });
  return html`<p class="map-legend">${legend()}</p>
    <svg class="location-map" role="img" aria-label="Locations coloured by EVSE status" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}">
      <rect width="${WIDTH}" height="${HEIGHT}" fill="#fff" stroke="#dde1e6" />
      ${marks}
    </svg>
    <p class="muted">Box: latitude ${minLat.toFixed(4)} to ${maxLat.toFixed(4)}, longitude ${minLon.toFixed(4)} to ${maxLon.toFixed(4)}.</p>`;
}
