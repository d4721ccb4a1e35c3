import { EntityManager } from 'typeorm';
import { PartyRole } from '../ocpi/adapter/ocpi-version-adapter';
import { ConnectionPartyEntity, CpoConnectionEntity, NeedsAttention, RefusedParty } from './cpo-connection.entity';

/** Our own party (OCPI_COUNTRY_CODE / OCPI_PARTY_ID). */
export interface OurParty {
  countryCode: string;
  partyId: string;
}

/**
 * Makes the acceptable ones of `roles` the parties of `connectionId` inside transaction `m` (credentials 2.2.1
 * §CredentialsRole: several parties may sit behind one connection, e.g. a CPO group or a Hub; "the combination of
 * country_code and party_id should always be unique"). Refused, and returned, whatever the role claimed:
 * - OUR_OWN_PARTY: our own country_code and party_id;
 * - HELD_BY_ANOTHER_CONNECTION: a party of another live connection (a CPO may only see and change its own objects).
 * A party held by an UNREGISTERED or FAILED connection is taken over. Parties compare case-insensitively (CiString).
 * A refused party never becomes one of the connection's parties, so the intake refuses its objects (NOT_OWN_PARTY).
 * Duplicate roles in one credentials object count once.
 * @returns the refused claims (empty when every one was accepted), for cpo_connection.refused_parties.
 */
export async function claimParties(m: EntityManager, connectionId: string, roles: PartyRole[], ours: OurParty): Promise<RefusedParty[]> {
  const parties = m.getRepository(ConnectionPartyEntity);
  const unique = [...new Map(roles.map((r) => [`${r.role}|${r.country_code}|${r.party_id}`.toUpperCase(), r])).values()];
  const since = new Date().toISOString();
  const accepted: PartyRole[] = [];
  const refused: RefusedParty[] = [];
  for (const role of unique) {
    const party = `${role.country_code}*${role.party_id}`;
    if (sameParty(role, ours)) {
      refused.push({
        role: role.role,
        country_code: role.country_code,
        party_id: role.party_id,
        reason: 'OUR_OWN_PARTY',
        held_by: null,
        since,
        message: `The CPO's credentials claim party ${party} (role ${role.role}), which is our own party (OCPI_COUNTRY_CODE / OCPI_PARTY_ID): refused; objects under ${party} are not accepted from this connection.`,
      });
      continue;
    }
    const holders = await m.query<Array<{ id: string; connection_id: string; status: string; name: string }>>(
      `SELECT p.id, p.connection_id, c.status, c.name FROM connection_party p JOIN cpo_connection c ON c.id = p.connection_id
       WHERE upper(p.country_code) = upper($1) AND upper(p.party_id) = upper($2) AND p.connection_id <> $3`,
      [role.country_code, role.party_id, connectionId],
    );
    const live = holders.find((h) => h.status !== 'UNREGISTERED' && h.status !== 'FAILED');
    if (live) {
      refused.push({
        role: role.role,
        country_code: role.country_code,
        party_id: role.party_id,
        reason: 'HELD_BY_ANOTHER_CONNECTION',
        held_by: live.connection_id,
        since,
        message: `The CPO's credentials claim party ${party} (role ${role.role}), which already belongs to another connection ("${live.name}", ${live.connection_id}): refused; objects under ${party} are not accepted from this connection.`,
      });
      continue;
    }
    for (const dead of holders) await parties.delete({ id: dead.id });
    accepted.push(role);
  }
  await parties.delete({ connectionId });
  await parties.save(
    accepted.map((r) =>
      parties.create({
        connectionId,
        role: r.role,
        countryCode: r.country_code,
        partyId: r.party_id,
        businessDetails: r.business_details,
      }),
    ),
  );
  return refused;
}

/**
 * Why the connection needs attention for the parties its credentials claimed that we refused, or null when none was.
 * Pulls go on for the parties we accepted (objects of the refused ones are filed as NOT_OWN_PARTY) unless none was
 * accepted: then they are paused, since nothing they bring could be stored (see {@link pullsPausedFor}).
 */
export function partyClaimAttention(connection: Pick<CpoConnectionEntity, 'id' | 'refusedParties' | 'parties'>): NeedsAttention | null {
  const refused = connection.refusedParties ?? [];
  if (refused.length === 0) return null;
  const noneAccepted = (connection.parties ?? []).length === 0;
  return {
    since: refused.map((r) => r.since).sort()[0],
    what_happened: refused.map((r) => r.message).join(' '),
    what_to_do:
      (noneAccepted
        ? 'No party of this connection was accepted, so pulls from it are paused and its pushes are refused. '
        : "Objects under the refused parties are refused (NOT_OWN_PARTY, in the connection's rejected objects); its other parties work as usual. ") +
      'If the CPO claimed them by mistake, ask it to correct the roles in its credentials and send them again (credentials PUT), or rotate ' +
      `(POST /api/v1/operations/connections/${connection.id}/rotate) once it has: every credentials exchange claims the parties again. ` +
      'If a party rightfully moved to this CPO, unregister the connection that holds it first. Our own party is never accepted.',
  };
}

/** The reason pulls from this connection are paused because of refused party claims (no party accepted), or null. */
export function pullsPausedFor(connection: Pick<CpoConnectionEntity, 'id' | 'refusedParties' | 'parties'>): string | null {
  if ((connection.parties ?? []).length > 0) return null;
  const attention = partyClaimAttention(connection);
  return attention ? `${attention.what_happened} ${attention.what_to_do}` : null;
}

function sameParty(role: PartyRole, ours: OurParty): boolean {
  return role.country_code.toUpperCase() === ours.countryCode.toUpperCase() && role.party_id.toUpperCase() === ours.partyId.toUpperCase();
}
