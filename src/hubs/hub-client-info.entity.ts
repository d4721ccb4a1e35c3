import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { ClientInfoStatus } from './client-info';

/**
 * A ClientInfo a Hub announced to us (mod_hub_client_info 2.2.1 §ClientInfo Object), per Hub connection: pulled from
 * its hubclientinfo Sender interface or pushed to our Receiver interface. One row per (connection, country_code,
 * party_id, role): a platform may sit behind the Hub as CPO and as eMSP under one party id. The newest
 * `last_updated` wins, whichever way it came.
 */
@Entity('hub_client_info')
export class HubClientInfoEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  /** The Hub's connection (cpo_connection.id); the row goes with it. */
  @Column('uuid', { name: 'connection_id' }) connectionId: string;
  @Column('varchar', { name: 'country_code', length: 2 }) countryCode: string;
  @Column('varchar', { name: 'party_id', length: 3 }) partyId: string;
  /** types §Role enum as the Hub spelt it (CPO, EMSP, NAP, NSP, OTHER, SCSP …). */
  @Column('text') role: string;
  @Column('text') status: ClientInfoStatus;
  /** The Hub's last_updated of this ClientInfo (UTC). */
  @Column('timestamptz', { name: 'last_updated' }) lastUpdated: Date;
  /** When we last took a copy of it (pulled or pushed). */
  @Column('timestamptz', { name: 'received_at' }) receivedAt: Date;
  /** The ClientInfo as the Hub sent it. */
  @Column('jsonb') raw: unknown;
}
