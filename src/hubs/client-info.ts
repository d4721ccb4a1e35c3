/**
 * ConnectionStatus of a party behind a Hub (mod_hub_client_info 2.2.1 §ConnectionStatus enum; 2.3.0 the same).
 * CONNECTED: connected; OFFLINE: not connected now; PLANNED: planned, never connected; SUSPENDED: no longer active,
 * will never connect again.
 */
export type ClientInfoStatus = 'CONNECTED' | 'OFFLINE' | 'PLANNED' | 'SUSPENDED';

/** The values of {@link ClientInfoStatus}, for readers of the wire. */
export const CLIENT_INFO_STATUSES: readonly ClientInfoStatus[] = ['CONNECTED', 'OFFLINE', 'PLANNED', 'SUSPENDED'];

/**
 * One party a Hub announces (mod_hub_client_info 2.2.1 §ClientInfo Object), version-neutral: its country_code and
 * party_id (as in the credentials exchange, upper case), its role (types §Role enum, as the Hub spells it), the
 * status of its connection to the Hub, and when the Hub last changed that (UTC).
 */
export interface ClientInfo {
  country_code: string;
  party_id: string;
  role: string;
  status: ClientInfoStatus;
  last_updated: Date;
}
