import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Relation } from 'typeorm';
import { CpoConnectionEntity } from './cpo-connection.entity';

/**
 * One CredentialsRole of a connection (credentials 2.2.1 §CredentialsRole class): the parties behind a
 * connection (a CPO group or white-label platform has several). A CPO may only see and change objects whose
 * (country_code, party_id) belongs to one of its connection's parties.
 */
@Entity('connection_party')
export class ConnectionPartyEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid', { name: 'connection_id' }) connectionId: string;
  @ManyToOne(() => CpoConnectionEntity, (connection) => connection.parties, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'connection_id' })
  // Relation<>: no design-time type reference, so the two entity files may import each other in any order.
  connection: Relation<CpoConnectionEntity>;
  /** Role as the spec spells it: CPO, EMSP, HUB, NAP, NSP, OTHER, SCSP. */
  @Column('text') role: string;
  @Column('varchar', { name: 'country_code', length: 2 }) countryCode: string;
  @Column('varchar', { name: 'party_id', length: 3 }) partyId: string;
  /** BusinessDetails as received (name, website, logo). */
  @Column('jsonb', { name: 'business_details', nullable: true }) businessDetails: Record<string, unknown> | null;
}
