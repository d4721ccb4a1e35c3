import { Column, CreateDateColumn, Entity, OneToMany, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { TokenEncoding } from '../ocpi/wire/authorization-header';
import { AuthObservationEntity } from './auth-observation.entity';
import { ConnectionPartyEntity } from './connection-party.entity';

/**
 * INVITED: operations issued a token A, the CPO has not registered yet (CPO-initiated);
 * PENDING: we are registering with the CPO (eMSP-initiated); REGISTERED; FAILED: our registration failed;
 * UNREGISTERED: either side sent DELETE credentials; no token of this connection works any more.
 */
export type ConnectionStatus = 'INVITED' | 'PENDING' | 'REGISTERED' | 'FAILED' | 'UNREGISTERED';

/** An OCPI endpoint as listed in a CPO's version details (version_information_endpoint §Version details). */
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
  /** EMSP: we registered with the CPO (we were the credentials Sender); CPO: the CPO registered with us. */
  @Column('text', { name: 'initiated_by', default: 'EMSP' }) initiatedBy: 'EMSP' | 'CPO';
  /** The CPO's versions endpoint; null while INVITED (the CPO sends it in its credentials POST). */
  @Column('text', { name: 'their_versions_url', nullable: true }) theirVersionsUrl: string | null;
  /** Negotiated OCPI version, e.g. "2.2.1"; null until negotiated. */
  @Column('text', { name: 'ocpi_version', nullable: true }) ocpiVersion: string | null;
  @Column('jsonb', { name: 'their_endpoints' }) theirEndpoints: TheirEndpoint[];
  /** The token we send to the CPO (their token A or C when we registered, their token B when they did), AES-GCM encrypted. */
  @Column('text', { name: 'their_token_encrypted', nullable: true }) theirTokenEncrypted: string | null;
  /**
   * The encoding the CPO turned out to accept from us when it is not the one its version prescribes
   * (learnt from a 401 answered to the prescribed one); null: as the version prescribes.
   */
  @Column('text', { name: 'their_token_encoding', nullable: true }) theirTokenEncoding: TokenEncoding | null;
  /** SHA-256 of the token the CPO sends us (our token A while INVITED, then B or C). */
  @Column('text', { name: 'our_token_hash', nullable: true }) ourTokenHash: string | null;
  /** SHA-256 of the new token we are offering in an open PUT of ours; accepted alongside the current one until it ends. */
  @Column('text', { name: 'our_pending_token_hash', nullable: true }) ourPendingTokenHash: string | null;
  /** When our token A of an invitation stops working; null for other tokens. */
  @Column('timestamptz', { name: 'our_token_expires_at', nullable: true }) ourTokenExpiresAt: Date | null;
  /** Why the last registration or sync step failed, in plain words for operations. */
  @Column('text', { name: 'last_error', nullable: true }) lastError: string | null;
  @Column('timestamptz', { name: 'registered_at', nullable: true }) registeredAt: Date | null;
  @Column('timestamptz', { name: 'unregistered_at', nullable: true }) unregisteredAt: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
  @OneToMany(() => ConnectionPartyEntity, (party) => party.connection) parties: ConnectionPartyEntity[];
  @OneToMany(() => AuthObservationEntity, (o) => o.connection) authObservations: AuthObservationEntity[];
}

/** Column values of a connection, for updates (relations excluded). */
export type ConnectionColumns = Partial<Omit<CpoConnectionEntity, 'parties' | 'authObservations'>>;
