import { CanonicalSession, SessionChargingPeriod, SessionCost, SessionStatus } from '../../../sessions/session.model';
import { MappingResult, readIdentity } from '../../wire/mapping-result';
import { toDecimalString } from '../../wire/ocpi-number';
import { readOcpiDateTime } from '../../wire/ocpi-datetime';
import { validateWireObject } from '../../wire/wire-validation';
import { mapPrice221, PriceContext } from '../cdrs/cdr.mapper';
import { SessionChargingPeriodDto, SessionCommonDto, SessionDto } from './session.dto';

/**
 * Maps an OCPI 2.2.1 Session (mod_sessions 2.2.1 §Session object) to the canonical Session. total_cost is a Price
 * (types 2.2.1 §Price class: excl_vat / incl_vat) → before_taxes / after_taxes. Rejects, with every reason, a missing
 * or malformed required field (a DateTime that cannot be read names its field). Never throws.
 */
export function mapSession221(raw: unknown): MappingResult<CanonicalSession> {
  const checked = validateWireObject(SessionDto, raw);
  if (!checked.ok) return { ok: false, reason: checked.reason, identity: readIdentity(raw) };
  return mapSessionBody<SessionDto['total_cost']>(raw, checked.value, (dto, notes, problems, field) => mapPrice221(dto, field, sessionPriceContext(notes, problems)), '2.2.1');
}

/** The fields 2.2.1 and 2.3.0 Sessions share; total_cost is read by the version's Price reader. */
export interface SessionBodyDto extends SessionCommonDto {
  total_cost?: unknown;
}

/** Shared by the 2.2.1 and 2.3.0 mappers (the Session object is the same but for the Price class). */
export function mapSessionBody<P>(
  raw: unknown,
  dto: SessionBodyDto,
  price: (dto: P | undefined, notes: string[], problems: string[], field: string) => SessionCost | null,
  version: '2.2.1' | '2.3.0',
): MappingResult<CanonicalSession> {
  const notes: string[] = [];
  const problems: string[] = [];
  const totalCost = price(dto.total_cost as P | undefined, notes, problems, 'total_cost');
  if (problems.length > 0) return { ok: false, reason: problems.join('; '), identity: readIdentity(raw) };
  const token = dto.cdr_token;
  return {
    ok: true,
    value: {
      country_code: dto.country_code.toUpperCase(),
      party_id: dto.party_id.toUpperCase(),
      id: dto.id,
      start_date_time: instant(dto.start_date_time),
      end_date_time: dto.end_date_time === undefined || dto.end_date_time === null ? null : instant(dto.end_date_time),
      kwh: toDecimalString(dto.kwh)!,
      cdr_token: { country_code: token.country_code.toUpperCase(), party_id: token.party_id.toUpperCase(), uid: token.uid, type: token.type, contract_id: token.contract_id },
      auth_id: token.uid,
      auth_method: dto.auth_method,
      authorization_reference: dto.authorization_reference ?? null,
      location_id: dto.location_id,
      evse_uid: dto.evse_uid,
      connector_id: dto.connector_id,
      location: null,
      meter_id: dto.meter_id ?? null,
      currency: dto.currency.toUpperCase(),
      charging_periods: mapSessionChargingPeriods(dto.charging_periods),
      total_cost: totalCost,
      status: readSessionStatus(dto.status, version, notes),
      status_as_sent: dto.status,
      last_updated: instant(dto.last_updated),
      ...(notes.length > 0 ? { notes } : {}),
    },
  };
}

/** ChargingPeriods (mod_cdrs 2.2.1 §ChargingPeriod class) in start order; volumes become decimal strings. */
export function mapSessionChargingPeriods(periods: SessionChargingPeriodDto[] | undefined): SessionChargingPeriod[] {
  return (periods ?? [])
    .map((p) => ({
      start_date_time: instant(p.start_date_time),
      dimensions: p.dimensions.map((d) => ({ type: d.type, volume: toDecimalString(d.volume)! })),
      tariff_id: p.tariff_id ?? null,
    }))
    .sort((a, b) => (a.start_date_time < b.start_date_time ? -1 : a.start_date_time > b.start_date_time ? 1 : 0));
}

/** SessionStatus per version (mod_sessions 2.1.1 §4.1; 2.2.1 and 2.3.0 §SessionStatus enum). */
const STATUSES: Record<'2.1.1' | '2.2.1' | '2.3.0', ReadonlySet<string>> = {
  '2.1.1': new Set(['ACTIVE', 'COMPLETED', 'INVALID', 'PENDING']),
  '2.2.1': new Set(['ACTIVE', 'COMPLETED', 'INVALID', 'PENDING', 'RESERVATION']),
  '2.3.0': new Set(['ACTIVE', 'COMPLETED', 'INVALID', 'PENDING', 'RESERVATION']),
};

/**
 * The canonical status of what the CPO sent: a value of its version as is; RESERVATION from a 2.1.1 CPO (a later
 * version's value, its meaning known) read as such and noted; anything else UNKNOWN, noted (the value is kept in
 * status_as_sent, and the tolerant-reading pass counts it).
 */
export function readSessionStatus(sent: string, version: '2.1.1' | '2.2.1' | '2.3.0', notes: string[]): SessionStatus {
  if (STATUSES[version].has(sent)) return sent as SessionStatus;
  if (STATUSES['2.3.0'].has(sent)) {
    notes.push(`status ${sent} is not a ${version} SessionStatus; read as the later versions define it`);
    return sent as SessionStatus;
  }
  notes.push(`status ${JSON.stringify(sent.slice(0, 64))} is no SessionStatus of any version: read as UNKNOWN (neither running nor finished)`);
  return 'UNKNOWN';
}

/** A DateTime the DTO has already accepted, as ISO-8601 UTC to the millisecond. */
export function instant(value: string): string {
  const read = readOcpiDateTime(value);
  if (read === null) throw new RangeError(`not an OCPI DateTime: ${value}`); // the DTO's IsOcpiDateTime let it through: cannot happen
  return read;
}

/** How a Session's cost is read with the CDR's Price readers: amounts bounded as a CDR's, never negative (no credit Session). */
export function sessionPriceContext(notes: string[], problems: string[]): PriceContext {
  return { notes, problems, deviations: [], negativeAllowed: false };
}
