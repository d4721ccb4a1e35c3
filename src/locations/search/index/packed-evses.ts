/**
 * A Location's listed EVSEs and their connectors as the search index keeps them: packed into one string (uids, EVSE
 * ids, connector ids and OCPI ids, status times and voltages as decimals, and the places of the shared objects they
 * point to: statuses, capability and tariff lists, connector kinds), instead of an object per EVSE and per connector,
 * each with its own strings, numbers and arrays.
 *
 * Why: for 50,000 Locations (145,000 EVSEs, 165,000 connectors) those objects were about a third of the index's ~100 MiB
 * of heap, and V8 lets the old generation grow to a multiple of what is live before a full collection, so a service
 * pulling a large CPO peaked at twice the RSS of one without the index (issue 15). One string is one object to trace.
 * (A Float64Array per Location cost more: its buffer's bookkeeping outweighs its numbers.) Requests that need EVSE
 * objects (EVSE filters, `evses=true`, a render plan made once per Location, a price estimate) unpack them: a few
 * short-lived objects per Location they read.
 */
/** A connector of a listed EVSE, in ocpi_id order as the SQL path lists them (unpacked from PackedEvses when needed). */
export interface IndexedConnector {
  id: string;
  ocpiId: string;
  standard: string;
  format: string;
  powerType: string;
  maxPowerKw: number;
  /** V (line to neutral for AC_3_PHASE): the price estimate derives the current on AC from it. */
  maxVoltage: number;
  source: 'declared' | 'computed';
  tariffIds: string[];
  /** tariffKey (indexed-tariff.ts) of each listed tariff: party and OCPI id. */
  tariffKeys: string[];
  /** The connector kind its list-view group is for (shared by all connectors of that kind). */
  kind: ConnectorKind;
}

/** Standard, format, power type and max kW: a connector group of the list view (with the price line). */
export interface ConnectorKind {
  standard: string;
  format: string;
  powerType: string;
  maxPowerKw: number;
  /** The group's JSON up to `"evse_count":`. */
  json: string;
}

/** A listed EVSE (not REMOVED), as PackedEvses.unpack gives it. */
export interface IndexedEvse {
  uid: string;
  evseId: string | null;
  status: string;
  statusChangedMs: number;
  /** Shared with other EVSEs (interned): never changed in place. */
  capabilities: string[];
  connectors: IndexedConnector[];
}

/** Ends each field in the text: PostgreSQL's text cannot hold it, so no value contains it. */
const END = '\u0000';

/** The EVSEs of one Location (not REMOVED), in the order given to pack. Immutable. */
export class PackedEvses {
  private constructor(
    /**
     * Per EVSE: uid, evse_id ('' for none), status (place in `shared`), status_changed_at ms, capabilities (place),
     * 1 when evse_id is null (else 0), connector count; then per connector of it: id, ocpi_id, kind (place), max
     * voltage, 1 when the power is declared (else 0), tariff ids (place), tariff keys (place). Each field ends with END.
     */
    private readonly text: string,
    /** The shared objects the text points to, each once. */
    private readonly shared: ReadonlyArray<string | string[] | ConnectorKind>,
    /** How many EVSEs. */
    readonly count: number,
  ) {}

  /** Packs these EVSEs (their lists and kinds are kept as they are: shared, never changed in place). */
  static pack(evses: IndexedEvse[]): PackedEvses {
    const shared: Array<string | string[] | ConnectorKind> = [];
    const place = (value: string | string[] | ConnectorKind) => {
      const at = shared.indexOf(value);
      return at >= 0 ? at : shared.push(value) - 1;
    };
    const fields: Array<string | number> = [];
    for (const e of evses) {
      fields.push(e.uid, e.evseId ?? '', place(e.status), e.statusChangedMs, place(e.capabilities), e.evseId === null ? 1 : 0, e.connectors.length);
      for (const c of e.connectors) {
        fields.push(c.id, c.ocpiId, place(c.kind), c.maxVoltage, c.source === 'declared' ? 1 : 0, place(c.tariffIds), place(c.tariffKeys));
      }
    }
    fields.push(''); // the last field's END
    // One join: a flat string (appending piece by piece would keep a tree of string pieces); `shared` copied to its
    // length (V8 grows an array to 17 slots on its first push).
    return new PackedEvses(fields.join(END), shared.slice(), evses.length);
  }

  /** The EVSEs as objects (new ones at every call: the caller may keep them, not change them). */
  unpack(): IndexedEvse[] {
    const f = this.text.split(END);
    const { shared } = this;
    const evses: IndexedEvse[] = new Array<IndexedEvse>(this.count);
    let s = 0;
    for (let i = 0; i < this.count; i++) {
      const uid = f[s];
      const connectors: IndexedConnector[] = new Array<IndexedConnector>(Number(f[s + 6]));
      evses[i] = {
        uid,
        evseId: f[s + 5] === '1' ? null : f[s + 1],
        status: shared[Number(f[s + 2])] as string,
        statusChangedMs: Number(f[s + 3]),
        capabilities: shared[Number(f[s + 4])] as string[],
        connectors,
      };
      s += 7;
      for (let j = 0; j < connectors.length; j++, s += 7) {
        const kind = shared[Number(f[s + 2])] as ConnectorKind;
        connectors[j] = {
          id: f[s],
          ocpiId: f[s + 1],
          standard: kind.standard,
          format: kind.format,
          powerType: kind.powerType,
          maxPowerKw: kind.maxPowerKw,
          maxVoltage: Number(f[s + 3]),
          source: f[s + 4] === '1' ? 'declared' : 'computed',
          tariffIds: shared[Number(f[s + 5])] as string[],
          tariffKeys: shared[Number(f[s + 6])] as string[],
          kind,
        };
      }
    }
    return evses;
  }

  /** Our ids of all their connectors. */
  connectorIds(): string[] {
    const f = this.text.split(END);
    const ids: string[] = [];
    let s = 0;
    for (let i = 0; i < this.count; i++) {
      const connectors = Number(f[s + 6]);
      s += 7;
      for (let j = 0; j < connectors; j++, s += 7) ids.push(f[s]);
    }
    return ids;
  }
}
