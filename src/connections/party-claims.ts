import { EntityManager } from 'typeorm';
import { PartyRole } from '../ocpi/adapter/ocpi-version-adapter';
import { ConnectionPartyEntity } from './cpo-connection.entity';

/** A party (country_code, party_id, role) already belongs to another live connection. */
export class PartyConflictError extends Error {}

/**
 * Makes `roles` the parties of `connectionId` inside transaction `m` (credentials §CredentialsRole: several
 * parties may sit behind one connection, e.g. a CPO group or a Hub). A party held by an UNREGISTERED or FAILED
 * connection is taken over; one held by a live connection is a conflict, since a CPO may only see and change
 * its own objects. Duplicate roles in one credentials object count once.
 * @throws PartyConflictError naming the party and the connection holding it.
 */
export async function claimParties(m: EntityManager, connectionId: string, roles: PartyRole[]): Promise<void> {
  const parties = m.getRepository(ConnectionPartyEntity);
  const unique = [...new Map(roles.map((r) => [`${r.role}|${r.country_code}|${r.party_id}`, r])).values()];
  for (const role of unique) {
    const [holder] = await m.query<Array<{ id: string; connection_id: string; status: string }>>(
      `SELECT p.id, p.connection_id, c.status FROM connection_party p JOIN cpo_connection c ON c.id = p.connection_id
       WHERE p.country_code = $1 AND p.party_id = $2 AND p.role = $3 AND p.connection_id <> $4`,
      [role.country_code, role.party_id, role.role, connectionId],
    );
    if (!holder) continue;
    if (holder.status !== 'UNREGISTERED' && holder.status !== 'FAILED') {
      throw new PartyConflictError(
        `Party ${role.country_code}*${role.party_id} (${role.role}) already belongs to another connection (${holder.connection_id}); unregister that one first.`,
      );
    }
    await parties.delete({ id: holder.id });
  }
  await parties.delete({ connectionId });
  await parties.save(
    unique.map((r) =>
      parties.create({
        connectionId,
        role: r.role,
        countryCode: r.country_code,
        partyId: r.party_id,
        businessDetails: r.business_details,
      }),
    ),
  );
}
