import { Column, CreateDateColumn, Entity, OneToMany, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { ConnectionPartyEntity } from './connection-party.entity';

export type ConnectionStatus = 'PENDING' | 'REGISTERED' | 'FAILED' | 'UNREGISTERED';

/** An OCPI endpoint as listed in a CPO's version details (version_information_endpoint 2.2.1 §1.2). */
export interface TheirEndpoint {
  identifier: string;
  role: 'SENDER' | 'RECEIVER' | null;
  url: string;
}

/**
 * One OCPI connection with a CPO platform (which may carry several parties: see ConnectionPartyEntity).
 * Ours vs theirs: `their_*` is what the CPO gave us, `our_*` what we gave the CPO.
 */
@Entity('cpo_connection')
export class CpoConnectionEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  /** Label chosen by operations, e.g. "Allego NL". */
  @Column('text') name: string;
  @Column('text') status: ConnectionStatus;
  @Column('text', { name: 'their_versions_url' }) theirVersionsUrl: string;
  /** Negotiated OCPI version, e.g. "2.2.1"; null until negotiated. */
  @Column('text', { name: 'ocpi_version', nullable: true }) ocpiVersion: string | null;
  @Column('jsonb', { name: 'their_endpoints' }) theirEndpoints: TheirEndpoint[];
  /** The token we send to the CPO (token A before registration, token C after), AES-GCM encrypted. */
  @Column('text', { name: 'their_token_encrypted', nullable: true }) theirTokenEncrypted: string | null;
  /** SHA-256 of the token the CPO sends us (token B). */
  @Column('text', { name: 'our_token_hash', nullable: true }) ourTokenHash: string | null;
  /** Why the last registration or sync step failed, in plain words for operations. */
  @Column('text', { name: 'last_error', nullable: true }) lastError: string | null;
  @Column('timestamptz', { name: 'registered_at', nullable: true }) registeredAt: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
  @OneToMany(() => ConnectionPartyEntity, (party) => party.connection) parties: ConnectionPartyEntity[];
}
