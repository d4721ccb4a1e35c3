/**
 * The search index's grid: cells of CELL_DEG over latitude/longitude, each holding its Locations with what the
 * candidate scan (search-scan.ts) reads packed in a typed array, and the walk over the cells a search may touch,
 * nearest first. A search reads a few contiguous blocks per cell instead of one scattered object per Location: with
 * 69,000 Locations the scan was bound by memory latency, not arithmetic.
 */
import type { Box } from '../search-sql';
import type { IndexedLocation } from './indexed-location';

// The constants below are exported by name (`export { … }` after Cell), not as `export const`: compiled to CommonJS,
// an exported constant is read as a property of `exports` at every use, also in this file's loops.

/** PostgreSQL's radians(): x * RADIANS_PER_DEGREE (its constant 0.0174532925199432957692 is this double). */
const RADIANS_PER_DEGREE = Math.PI / 180;
/**
 * Grid cell edge, degrees: ~1.1 km north–south (~690 m east–west in the Netherlands), ~20 Locations per cell around
 * Amsterdam in the benchmark; a 2 km search there reads the few cells nearest to its centre of ~50 in its box.
 */
const CELL_DEG = 0.01;
/** Above this many cells in the search area, walk the occupied cells instead (a country-sized box). */
const MAX_CELLS_ENUMERATED = 20_000;

/** Numbers per Location in Cell.numbers: latitude, longitude, cos latitude, always_open_from (NaN: none), flags. */
const NUMBERS = 5;
/** Flag: some EVSE is AVAILABLE (IndexedLocation.anyAvailable). */
const ANY_AVAILABLE = 1;
/** Flag: open 24/7 (IndexedLocation.is247). */
const IS_24_7 = 2;

/**
 * The Locations of one grid cell, with what the candidate scan reads kept in typed arrays side by side (latitude,
 * longitude, cos latitude, always_open_from; flags).
 */
export class Cell {
  readonly locations: IndexedLocation[] = [];
  /** Per Location: latitude, longitude, cos latitude, always_open_from (NaN: none), flags. */
  numbers = new Float64Array(0);

  constructor(
    readonly row: number,
    readonly col: number,
  ) {}

  /** After a change: the array again (a cell holds a few Locations). */
  rebuild(): void {
    this.numbers = new Float64Array(this.locations.length * NUMBERS);
    this.locations.forEach((l, i) => {
      const flags = (l.anyAvailable ? ANY_AVAILABLE : 0) | (l.is247 ? IS_24_7 : 0);
      // cos(radians(latitude)), a factor of every distance to this Location: here only (not a number on each Location).
      this.numbers.set([l.latitude, l.longitude, Math.cos(l.latitude * RADIANS_PER_DEGREE), l.alwaysOpenFrom ?? NaN, flags], i * NUMBERS);
    });
  }
}

export { ANY_AVAILABLE, IS_24_7, NUMBERS, RADIANS_PER_DEGREE };

/** The occupied cells. */
export class SearchGrid {
  /** Occupied cells by row, then column (small integers: fast map keys). */
  private readonly rows = new Map<number, Map<number, Cell>>();
  private cellCount = 0;

  /** Adds a Location to the cell of its coordinates. */
  add(location: IndexedLocation): void {
    const row = cellRow(location.latitude);
    const col = cellCol(location.longitude);
    let cols = this.rows.get(row);
    if (!cols) this.rows.set(row, (cols = new Map<number, Cell>()));
    let cell = cols.get(col);
    if (!cell) {
      cols.set(col, (cell = new Cell(row, col)));
      this.cellCount += 1;
    }
    cell.locations.push(location);
    cell.rebuild();
  }

  /** Takes a Location added before out of its cell (the same object: its coordinates find the cell); drops an empty cell. */
  remove(old: IndexedLocation): void {
    const row = cellRow(old.latitude);
    const cols = this.rows.get(row)!;
    const cell = cols.get(cellCol(old.longitude))!;
    cell.locations.splice(cell.locations.indexOf(old), 1);
    cell.rebuild();
    if (cell.locations.length === 0) {
      cols.delete(cell.col);
      this.cellCount -= 1;
      if (cols.size === 0) this.rows.delete(row);
    }
  }

  /**
   * The occupied cells that may hold points of `boxes`, each with a lower bound of the haversine term h of any point
   * in it, nearest first. Few cells (a city-sized search): by cell number; else every occupied cell.
   */
  cellsNearestFirst(boxes: Box[], origin: { latitude: number; longitude: number }, cosOrigin: number): { cells: Cell[]; lowerH: number[]; order: Int32Array } {
    let count = 0;
    for (const b of boxes) count += (cellRow(b.north) - cellRow(b.south) + 1) * (cellCol(b.east) - cellCol(b.west) + 1);
    const cells: Cell[] = [];
    const lowerH: number[] = [];
    if (count > MAX_CELLS_ENUMERATED || count >= this.cellCount) {
      for (const cols of this.rows.values()) {
        for (const cell of cols.values()) {
          cells.push(cell);
          lowerH.push(lowerBoundH(cell.row, cell.col, origin, cosOrigin));
        }
      }
    } else {
      for (const b of boxes) {
        for (let row = cellRow(b.south); row <= cellRow(b.north); row++) {
          const cols = this.rows.get(row);
          if (!cols) continue;
          for (let col = cellCol(b.west); col <= cellCol(b.east); col++) {
            const cell = cols.get(col);
            if (cell === undefined) continue;
            cells.push(cell);
            lowerH.push(lowerBoundH(row, col, origin, cosOrigin));
          }
        }
      }
    }
    const order = new Int32Array(cells.length);
    for (let i = 0; i < order.length; i++) order[i] = i;
    order.sort((a, b) => lowerH[a] - lowerH[b]);
    return { cells, lowerH, order };
  }
}

/**
 * A lower bound of h for any point of cell (row, col) seen from `origin`: h = hav(Δφ) + cos φ0 · cos φ · hav(Δλ) grows
 * with |Δφ|, with |Δλ| (around the circle) and with cos φ, so their least values over the cell bound it. Made a hair
 * smaller against rounding (a point may also sit a rounding error outside its cell's nominal edges).
 */
function lowerBoundH(row: number, col: number, origin: { latitude: number; longitude: number }, cosOrigin: number): number {
  const south = row * CELL_DEG - 90;
  const north = south + CELL_DEG;
  const west = col * CELL_DEG - 180;
  const east = west + CELL_DEG;
  const dLatDeg = origin.latitude < south ? south - origin.latitude : origin.latitude > north ? origin.latitude - north : 0;
  let dLonDeg = 0;
  if (origin.longitude < west || origin.longitude > east) {
    const around = (x: number) => {
      const d = Math.abs(x - origin.longitude) % 360;
      return Math.min(d, 360 - d);
    };
    dLonDeg = Math.min(around(west), around(east));
  }
  const cosMin = Math.max(0, Math.min(Math.cos(Math.max(-90, south) * RADIANS_PER_DEGREE), Math.cos(Math.min(90, north) * RADIANS_PER_DEGREE)));
  const hLat = Math.sin((Math.max(0, dLatDeg - 1e-9) * RADIANS_PER_DEGREE) / 2) ** 2;
  const hLon = Math.sin((Math.max(0, dLonDeg - 1e-9) * RADIANS_PER_DEGREE) / 2) ** 2;
  return (hLat + cosOrigin * cosMin * hLon) * (1 - 1e-9);
}

function cellRow(latitude: number): number {
  return Math.floor((latitude + 90) / CELL_DEG);
}

function cellCol(longitude: number): number {
  return Math.floor((longitude + 180) / CELL_DEG);
}
