/**
 * Generates plausible EVSEs with their Connectors (mod_locations 2.2.1 §EVSE object,
 * §Connector object, §ConnectorType/§ConnectorFormat/§PowerType/§Status/§Capability enums).
 */
import type { Connector, Evse } from './ocpi-types';
import type { Rng } from './prng';
import { formatOcpiDateTime } from './ocpi-datetime';

/** AC: Type 2 socket, 3-phase 11/22 kW. DC: CCS cable 50–350 kW, sometimes plus CHAdeMO. */
export type EvseKind = 'AC' | 'DC';

export interface EvseSpec {
  kind: EvseKind;
  /** Location number, 1-based (used in uid and evse_id). */
  locationNumber: number;
  /** EVSE number within the Location, 1-based. */
  evseNumber: number;
  countryCode: string;
  partyId: string;
  /** Location last_updated (epoch ms): EVSEs and Connectors are never newer. */
  notAfterMs: number;
  floorLevel?: string;
  tariffIds?: readonly string[];
}

const DAY_MS = 86_400_000;
const STATUS_WEIGHTS = { AVAILABLE: 75, CHARGING: 15, OUTOFORDER: 5, UNKNOWN: 5 } as const;
const DC_POWER_KW = [50, 50, 100, 150, 150, 175, 300, 350] as const;

const pad6 = (n: number): string => String(n).padStart(6, '0');

function tariffs(rng: Rng, ids: readonly string[] | undefined): Pick<Connector, 'tariff_ids'> {
  return ids && ids.length > 0 ? { tariff_ids: [rng.pick(ids)] } : {};
}

function acConnector(rng: Rng, spec: EvseSpec, updatedMs: number): Connector {
  const amperage = rng.chance(0.6) ? 16 : 32;
  return {
    id: '1',
    standard: 'IEC_62196_T2',
    format: 'SOCKET',
    power_type: 'AC_3_PHASE',
    max_voltage: 230,
    max_amperage: amperage,
    max_electric_power: amperage === 16 ? 11000 : 22000,
    ...tariffs(rng, spec.tariffIds),
    last_updated: formatOcpiDateTime(updatedMs),
  };
}

function ccsConnector(rng: Rng, spec: EvseSpec, updatedMs: number): Connector {
  const watts = rng.pick(DC_POWER_KW) * 1000;
  const voltage = watts >= 150_000 ? 920 : 500;
  return {
    id: '1',
    standard: 'IEC_62196_T2_COMBO',
    format: 'CABLE',
    power_type: 'DC',
    max_voltage: voltage,
    max_amperage: Math.min(500, Math.ceil(watts / voltage)),
    max_electric_power: watts,
    ...tariffs(rng, spec.tariffIds),
    last_updated: formatOcpiDateTime(updatedMs),
  };
}

function chademoConnector(rng: Rng, spec: EvseSpec, updatedMs: number): Connector {
  return {
    id: '2',
    standard: 'CHADEMO',
    format: 'CABLE',
    power_type: 'DC',
    max_voltage: 500,
    max_amperage: 125,
    max_electric_power: 50000,
    ...tariffs(rng, spec.tariffIds),
    last_updated: formatOcpiDateTime(updatedMs),
  };
}

function capabilities(rng: Rng, kind: EvseKind): string[] {
  const list = ['RFID_READER', 'REMOTE_START_STOP_CAPABLE'];
  if (rng.chance(0.3)) list.push('RESERVABLE');
  if (kind === 'DC' && rng.chance(0.5)) list.push('CREDIT_CARD_PAYABLE', 'CONTACTLESS_CARD_SUPPORT');
  if (rng.chance(0.2)) list.push('CHARGING_PROFILE_CAPABLE');
  return list;
}

/**
 * Takes the PRNG and the EVSE spec; returns one EVSE with 1 (AC) or 1–2 (DC) connectors.
 * uid `EVSE-<loc6>-<n>`, evse_id eMI3 `<CC>*<PARTY>*E<loc6>*<n>`.
 */
export function generateEvse(rng: Rng, spec: EvseSpec): Evse {
  const evseUpdated = spec.notAfterMs - rng.int(0, 30) * DAY_MS - rng.int(0, 86_399) * 1000;
  const connectorUpdated = () => evseUpdated - rng.int(0, 60) * DAY_MS;
  const connectors =
    spec.kind === 'AC'
      ? [acConnector(rng, spec, connectorUpdated())]
      : [ccsConnector(rng, spec, connectorUpdated()), ...(rng.chance(0.4) ? [chademoConnector(rng, spec, connectorUpdated())] : [])];
  const operatorId = `${spec.countryCode.toUpperCase()}*${spec.partyId.toUpperCase()}`;
  return {
    uid: `EVSE-${pad6(spec.locationNumber)}-${spec.evseNumber}`,
    evse_id: `${operatorId}*E${pad6(spec.locationNumber)}*${spec.evseNumber}`,
    status: rng.weighted(STATUS_WEIGHTS),
    capabilities: capabilities(rng, spec.kind),
    connectors,
    ...(spec.floorLevel !== undefined ? { floor_level: spec.floorLevel } : {}),
    physical_reference: String(spec.evseNumber),
    last_updated: formatOcpiDateTime(evseUpdated),
  };
}
