import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mapLocation230 } from './location.mapper';

const fixture = (file: string): Record<string, any> => JSON.parse(readFileSync(join(__dirname, '../../../../test/fixtures/ocpi/2.3.0/locations', file), 'utf8'));

describe('mod_locations 2.3.0 §Location object: what 2.3.0 added, read into the canonical Location', () => {
  it('§Parking object, §EVSEParking class: parking_places kept as sent, EVSE parking links read', () => {
    const result = mapLocation230(fixture('location_example.json'));
    if (!result.ok) throw new Error(result.reason);
    expect(result.value.parking_places.map((p) => p.id)).toEqual(['1', '2', '3']);
    expect(result.value.parking_places[0]).toMatchObject({ physical_reference: 'B1', vehicle_types: ['PERSONAL_VEHICLE'] });
    expect(result.value.evses[0].parking).toEqual([
      { parking_id: '1', evse_position: 'LEFT' },
      { parking_id: '2', evse_position: 'RIGHT' },
    ]);
    expect(result.value.time_zone_source).toBe('CPO');
  });

  it('the other spec example with Parking objects maps too', () => {
    expect(mapLocation230(fixture('location_example_parking_garage_opening_hours.json')).ok).toBe(true);
  });

  it('§Location help_phone, §EVSE accepted_service_providers, §Connector capabilities', () => {
    const raw = fixture('location_example.json');
    raw.help_phone = '+32 9 123 45 67';
    raw.evses[0].accepted_service_providers = ['Example eMSP'];
    raw.evses[0].connectors[1].capabilities = ['ISO_15118_20_PLUG_AND_CHARGE'];
    const result = mapLocation230(raw);
    if (!result.ok) throw new Error(result.reason);
    expect(result.value.help_phone).toBe('+32 9 123 45 67');
    expect(result.value.evses[0].accepted_service_providers).toEqual(['Example eMSP']);
    expect(result.value.evses[0].connectors.map((c) => c.capabilities)).toEqual([[], ['ISO_15118_20_PLUG_AND_CHARGE']]);
  });

  it('rejects a 2.3.0 field of the wrong type, naming it; the 2.2.1 rules still apply', () => {
    const raw = fixture('location_example.json');
    raw.help_phone = 12345;
    raw.parking_places[1].id = undefined;
    raw.evses[1].connectors[0].capabilities = 'ISO_15118_2_PLUG_AND_CHARGE';
    const result = mapLocation230(raw);
    expect(result).toMatchObject({ ok: false, identity: { id: 'LOC1' } });
    expect(!result.ok && result.reason.split('; ')).toEqual([
      'help_phone: must be a string of at most 25 characters',
      'parking_places[1].id: must be a string of 1 to 36 characters',
      'evses[1].connectors[0].capabilities: must be a list of strings',
    ]);
    const { time_zone, ...noZone } = fixture('location_example.json');
    expect(mapLocation230(noZone)).toMatchObject({ ok: false, reason: expect.stringContaining('time_zone') });
  });
});
