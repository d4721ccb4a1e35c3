import fc from 'fast-check';
import { connectorKind } from './indexed-location';
import { IndexedEvse, PackedEvses } from './packed-evses';
import { type2Connector } from '../../../../test/support/indexed-connector';

/** Any text PostgreSQL can hold (no NUL), empty included. */
const text = fc.string({ maxLength: 20 }).filter((s) => !s.includes('\u0000'));
const list = fc.array(text, { maxLength: 3 });

const connector = fc
  .record({
    id: fc.uuid(),
    ocpiId: text,
    standard: fc.constantFrom('IEC_62196_T2', 'CHADEMO'),
    format: fc.constantFrom('SOCKET', 'CABLE'),
    powerType: fc.constantFrom('AC_3_PHASE', 'DC'),
    maxPowerKw: fc.double({ min: 0, max: 400, noNaN: true }),
    maxVoltage: fc.integer({ min: 0, max: 1000 }),
    source: fc.constantFrom('declared' as const, 'computed' as const),
    tariffIds: list,
    tariffKeys: list,
  })
  .map((c) => ({ ...c, kind: connectorKind(c.standard, c.format, c.powerType, c.maxPowerKw) }));

const evse: fc.Arbitrary<IndexedEvse> = fc.record({
  uid: text,
  evseId: fc.option(text),
  status: fc.constantFrom('AVAILABLE', 'CHARGING', 'OUTOFORDER'),
  statusChangedMs: fc.integer({ min: 0, max: 4102444800000 }),
  capabilities: list,
  connectors: fc.array(connector, { maxLength: 4 }),
});

describe('PackedEvses: what the search index keeps of a Location’s EVSEs', () => {
  it('unpacks to the EVSEs packed, in order, with null and empty evse_id told apart', () => {
    fc.assert(
      fc.property(fc.array(evse, { maxLength: 5 }), (evses) => {
        const packed = PackedEvses.pack(evses);
        expect(packed.count).toBe(evses.length);
        expect(packed.unpack()).toEqual(evses);
        expect(packed.connectorIds()).toEqual(evses.flatMap((e) => e.connectors.map((c) => c.id)));
      }),
    );
  });

  it('keeps the shared lists and kinds themselves (no copies)', () => {
    const caps = ['RFID_READER'];
    const tariffIds = ['T1'];
    const c = type2Connector('c', tariffIds);
    const kind = c.kind;
    const [e] = PackedEvses.pack([{ uid: 'E1', evseId: null, status: 'AVAILABLE', statusChangedMs: 1, capabilities: caps, connectors: [c] }]).unpack();
    expect(e.capabilities).toBe(caps);
    expect(e.connectors[0].tariffIds).toBe(tariffIds);
    expect(e.connectors[0].kind).toBe(kind);
  });
});
