import { CLIENT_INFO_STATUSES, ClientInfo, ClientInfoStatus } from '../../../hubs/client-info';
import { MappingResult } from '../../wire/mapping-result';
import { readOcpiDateTime } from '../../wire/ocpi-datetime';

/**
 * Reads one ClientInfo object (mod_hub_client_info 2.2.1 §ClientInfo Object; 2.3.0 the same): party_id CiString(3),
 * country_code CiString(2) (both upper-cased: CiString), role (types §Role enum; a value we do not know is kept as
 * sent, upper-cased), status (§ConnectionStatus enum: closed, since routing decides on it), last_updated (DateTime,
 * stored UTC). Never throws: a malformed object comes back rejected with the field named.
 */
export function mapClientInfo221(raw: unknown): MappingResult<ClientInfo> {
  const o = (raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? raw : {}) as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' ? v : null);
  const identity = { countryCode: text(o.country_code), partyId: text(o.party_id), id: null };
  const refuse = (reason: string): MappingResult<ClientInfo> => ({ ok: false, reason, identity });
  if (o !== raw) return refuse('a ClientInfo must be a JSON object');
  if (typeof o.party_id !== 'string' || !/^[A-Za-z0-9]{1,3}$/.test(o.party_id)) return refuse('party_id is missing or not a CiString(3) of letters and digits');
  if (typeof o.country_code !== 'string' || !/^[A-Za-z]{2}$/.test(o.country_code)) return refuse('country_code is missing or not a CiString(2) of letters');
  if (typeof o.role !== 'string' || !/^[A-Za-z_]{1,20}$/.test(o.role)) return refuse('role is missing or not a Role (CPO, EMSP, HUB, NAP, NSP, OTHER, SCSP)');
  const status = typeof o.status === 'string' ? o.status.toUpperCase() : null;
  if (!status || !(CLIENT_INFO_STATUSES as readonly string[]).includes(status)) {
    return refuse(`status is missing or not a ConnectionStatus (${CLIENT_INFO_STATUSES.join(', ')}): ${JSON.stringify(o.status ?? null)}`);
  }
  const lastUpdated = readOcpiDateTime(o.last_updated);
  if (!lastUpdated) return refuse(`last_updated is missing or not a DateTime: ${JSON.stringify(o.last_updated ?? null)}`);
  return {
    ok: true,
    value: {
      party_id: o.party_id.toUpperCase(),
      country_code: o.country_code.toUpperCase(),
      role: o.role.toUpperCase(),
      status: status as ClientInfoStatus,
      last_updated: new Date(lastUpdated),
    },
  };
}

/** A ClientInfo on the wire (mod_hub_client_info 2.2.1 §ClientInfo Object), DateTime in UTC with 'Z' (milliseconds only when there are some). */
export function serialiseClientInfo221(info: ClientInfo): unknown {
  return {
    party_id: info.party_id,
    country_code: info.country_code,
    role: info.role,
    status: info.status,
    last_updated: info.last_updated.toISOString().replace(/\.000Z$/, 'Z'),
  };
}
