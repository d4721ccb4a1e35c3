/**
 * 2.2.1-shaped Locations given what OCPI 2.3.0 added (mod_locations 2.3.0 §Location object: help_phone,
 * parking_places; §EVSE object: parking, accepted_service_providers; §Connector object: capabilities;
 * §Parking object, §EVSEParking class), deterministically, for a 2.3.0 simulator to serve.
 */
import type { RawObject } from '../ocpi-types';

/** Takes a 2.2.1 Location and its 1-based number; returns it with the 2.3.0 fields filled in. */
export function withOcpi230Fields(location: RawObject, n: number): RawObject {
  const evses = Array.isArray(location.evses) ? (location.evses as RawObject[]) : [];
  const parkingPlaces = evses.map((_, i) => ({
    id: `P${i + 1}`,
    vehicle_types: n % 3 === 0 ? ['PERSONAL_VEHICLE', 'VAN'] : ['PERSONAL_VEHICLE'],
    restricted_to_type: false,
    reservation_required: false,
    ...(n % 2 === 0 ? { roofed: true } : {}),
  }));
  return {
    ...location,
    help_phone: `+31 20 555 ${String(n % 10000).padStart(4, '0')}`,
    parking_places: parkingPlaces,
    evses: evses.map((evse, i) => ({
      ...evse,
      parking: [{ parking_id: `P${i + 1}`, evse_position: i % 2 === 0 ? 'LEFT' : 'RIGHT' }],
      accepted_service_providers: ['Open eMSP', 'Example Mobility'],
      connectors: (Array.isArray(evse.connectors) ? (evse.connectors as RawObject[]) : []).map((c) => ({
        ...c,
        ...(c.power_type === 'DC' ? { capabilities: ['ISO_15118_2_PLUG_AND_CHARGE'] } : {}),
      })),
    })),
  };
}
