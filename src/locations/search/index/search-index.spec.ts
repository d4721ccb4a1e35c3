import { IndexedLocation } from './indexed-location';
import { type2Connector } from '../../../../test/support/indexed-connector';
import { PackedEvses } from './packed-evses';
import { SearchIndex } from './search-index';

/** A published Location with one EVSE and one connector (our id `connectorId`), no tariff. */
function location(id: string, connectorId: string): IndexedLocation {
  const connector = type2Connector(connectorId);
  return {
    id,
    ocpiId: id,
    countryCode: 'NL',
    partyId: 'ABC',
    name: null,
    address: 'Street 1',
    city: 'Amsterdam',
    postalCode: null,
    country: 'NLD',
    latitude: 52.37,
    longitude: 4.9,
    timeZone: 'Europe/Amsterdam',
    parkingType: null,
    facilities: [],
    is247: true,
    openingTimes: { twentyfourseven: true },
    alwaysOpenFrom: -Infinity,
    operatorName: null,
    connectionId: null,
    evses: PackedEvses.pack([{ uid: `${id}-1`, evseId: null, status: 'AVAILABLE', statusChangedMs: 0, capabilities: [], connectors: [connector] }]),
    anyAvailable: true,
    opening: null,
  };
}

describe('SearchIndex.priceInputs: the connector of a price estimate found by our id', () => {
  // Connectors are held by 31 bits of their id: these two share them, and each must still find its own Location.
  const a = '0000000a-0000-4000-8000-000000000001';
  const b = '0000000b-0000-4000-8000-000000000002';

  it('tells apart connectors whose ids share their key, and forgets a removed Location’s only', () => {
    const index = new SearchIndex();
    index.put(location('11111111-1111-4111-8111-111111111111', a));
    index.put(location('22222222-2222-4222-8222-222222222222', b));
    expect(index.priceInputs(a, 0)?.connector).toMatchObject({ id: a, location_id: '11111111-1111-4111-8111-111111111111', evse_uid: '11111111-1111-4111-8111-111111111111-1' });
    expect(index.priceInputs(b, 0)?.connector).toMatchObject({ id: b, location_id: '22222222-2222-4222-8222-222222222222' });
    expect(index.priceInputs('0000000a-0000-4000-8000-000000000009', 0)).toBeNull();

    index.remove('11111111-1111-4111-8111-111111111111');
    expect(index.priceInputs(a, 0)).toBeNull();
    expect(index.priceInputs(b, 0)?.connector).toMatchObject({ id: b, location_id: '22222222-2222-4222-8222-222222222222' });
    index.put(location('22222222-2222-4222-8222-222222222222', b)); // replaced by a new read of the same Location
    expect(index.priceInputs(b, 0)?.connector.id).toBe(b);
  });
});
