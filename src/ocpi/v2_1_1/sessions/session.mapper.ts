import { CanonicalSession } from '../../../sessions/session.model';
import { MappingResult, readIdentity } from '../../wire/mapping-result';
import { toDecimalString } from '../../wire/ocpi-number';
import { validateWireObject } from '../../wire/wire-validation';
import { instant, mapSessionChargingPeriods, readSessionStatus } from '../../v2_2_1/sessions/session.mapper';
import { OwningParty, owningParty } from '../owning-party';
import { SessionDto211 } from './session.dto';

/**
 * Maps an OCPI 2.1.1 Session (mod_sessions 2.1.1 §3.1) to the canonical Session.
 *
 * - Owner: 2.1.1 Sessions name none; the connection's party (`owner`) owns them, as for CDRs.
 * - start_datetime / end_datetime → start_date_time / end_date_time; auth_id kept, cdr_token null.
 * - location: the Location object's first EVSE and its first Connector (the spec sends "only the relevant" ones; more
 *   is said in notes) give location_id / evse_uid / connector_id; the connector's tariff_id, the Location's time_zone
 *   and coordinates are kept for pricing when we hold no such Location.
 * - total_cost is "The total cost (excluding VAT)": before_taxes; after_taxes null (the VAT is never told).
 * - status: ACTIVE, COMPLETED, INVALID, PENDING (§4.1); see readSessionStatus for anything else.
 * Rejects, with every reason, a missing or malformed required field. Never throws.
 */
export function mapSession211(raw: unknown, owner?: OwningParty): MappingResult<CanonicalSession> {
  const checked = validateWireObject(SessionDto211, raw);
  if (!checked.ok) return { ok: false, reason: checked.reason, identity: readIdentity(raw) };
  const dto = checked.value;
  const party = owningParty('Session', owner, dto);
  if ('reason' in party) return { ok: false, reason: party.reason, identity: readIdentity(raw) };
  const { country_code: countryCode, party_id: partyId } = party;
  const notes: string[] = [];
  const l = dto.location;
  const evse = l.evses[0];
  const connector = evse.connectors[0];
  if (l.evses.length > 1 || evse.connectors.length > 1) notes.push('location lists more than one EVSE or Connector; the first of each is taken as the one charged at');
  const coordinates = l.coordinates ? { latitude: toDecimalString(l.coordinates.latitude)!, longitude: toDecimalString(l.coordinates.longitude)! } : null;
  const status = readSessionStatus(dto.status, '2.1.1', notes);
  return {
    ok: true,
    value: {
      country_code: countryCode.toUpperCase(),
      party_id: partyId.toUpperCase(),
      id: dto.id,
      start_date_time: instant(dto.start_datetime),
      end_date_time: dto.end_datetime === undefined || dto.end_datetime === null ? null : instant(dto.end_datetime),
      kwh: toDecimalString(dto.kwh)!,
      cdr_token: null,
      auth_id: dto.auth_id,
      auth_method: dto.auth_method,
      authorization_reference: null,
      location_id: l.id,
      evse_uid: evse.uid,
      connector_id: connector.id,
      location: { tariff_ids: connector.tariff_id ? [connector.tariff_id] : [], time_zone: l.time_zone ?? null, coordinates },
      meter_id: dto.meter_id ?? null,
      currency: dto.currency.toUpperCase(),
      charging_periods: mapSessionChargingPeriods(dto.charging_periods),
      total_cost: dto.total_cost === undefined || dto.total_cost === null ? null : { before_taxes: toDecimalString(dto.total_cost)!, after_taxes: null, taxes: null },
      status,
      status_as_sent: dto.status,
      last_updated: instant(dto.last_updated),
      ...(notes.length > 0 ? { notes } : {}),
    },
  };
}
