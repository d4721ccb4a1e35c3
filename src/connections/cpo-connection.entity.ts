import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  OneToMany,
  OneToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  Relation,
  UpdateDateColumn,
  VirtualColumn,
} from 'typeorm';
import type { CircuitOpenedBy, CircuitState } from './cpo-circuit';
import { TokenEncoding } from '../ocpi/wire/authorization-header';

// A connection and its parts (its parties, its Authorization observations) are one aggregate, kept in one file: the
// relations point both ways, and one file lets them without an import cycle.

/**
 * INVITED: operations issued a token A, the CPO has not registered yet (CPO-initiated);
 * PENDING: we are registering with the CPO (eMSP-initiated); REGISTERED; FAILED: our registration failed;
 * UNREGISTERED: either side sent DELETE credentials; no token of this connection works any more.
 */
export type ConnectionStatus = 'INVITED' | 'PENDING' | 'REGISTERED' | 'FAILED' | 'UNREGISTERED';

/**
 * A credentials update whose outcome is open or not yet shown by the CPO (credentials §PUT):
 * OURS_OPEN: our PUT is on its way (our new token already works: the CPO calls our versions with it);
 * OURS_UNSETTLED: our PUT failed or its answer was lost after it was sent: the CPO may or may not have applied it;
 * THEIRS_UNSETTLED: we applied the CPO's PUT and answered, but the answer may not have reached it.
 * While unsettled we accept both tokens of ours the CPO may hold until it uses one, and keep both tokens it may accept
 * from us until one works.
 */
export type TokenRotation = 'OURS_OPEN' | 'OURS_UNSETTLED' | 'THEIRS_UNSETTLED';

/** Why no call to the CPO can work until someone acts, and what operations must do; shown in the connection view. */
export interface NeedsAttention {
  /** ISO 8601 UTC. */
  since: string;
  what_happened: string;
  what_to_do: string;
}

/** Why a party a CPO claimed in its credentials roles was refused (credentials 2.2.1 §CredentialsRole). */
export type PartyRefusal = 'OUR_OWN_PARTY' | 'HELD_BY_ANOTHER_CONNECTION';

/**
 * A CredentialsRole the CPO claimed that we did not make one of its parties: objects under it are refused as another
 * party's (NOT_OWN_PARTY), and the connection needs attention until a credentials update no longer claims it.
 */
export interface RefusedParty {
  role: string;
  country_code: string;
  party_id: string;
  reason: PartyRefusal;
  /** HELD_BY_ANOTHER_CONNECTION: the connection that holds it; null otherwise. */
  held_by: string | null;
  /** ISO 8601 UTC: the credentials exchange that claimed it. */
  since: string;
  /** In plain words, naming the party and why. */
  message: string;
}

/**
 * How we get a module's objects from a CPO: PULL from its Sender interface, RECEIVE its pushes on our Receiver
 * interface, or BOTH.
 */
export type ModuleMode = 'PULL' | 'RECEIVE' | 'BOTH';

/** The modules whose objects a CPO owns and we pull or receive. */
export type ConnectionModule = 'locations' | 'tariffs' | 'sessions' | 'cdrs' | 'hubclientinfo';

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
  /**
   * SHA-256 of the other token of ours the CPO may hold, accepted alongside the current one: the new one we offer in an
   * open PUT of ours; after an unsettled update (see `tokenRotation`), whichever of old and new is not current, until
   * the CPO uses one of them.
   */
  @Column('text', { name: 'our_pending_token_hash', nullable: true }) ourPendingTokenHash: string | null;
  /** The other token the CPO may accept from us after an unsettled update (AES-GCM encrypted): tried on HTTP 401, dropped once one works. */
  @Column('text', { name: 'their_fallback_token_encrypted', nullable: true }) theirFallbackTokenEncrypted: string | null;
  /** A credentials update still open or unsettled, and since when; null when both sides are known to hold the same tokens. */
  @Column('text', { name: 'token_rotation', nullable: true }) tokenRotation: TokenRotation | null;
  @Column('timestamptz', { name: 'token_rotation_at', nullable: true }) tokenRotationAt: Date | null;
  /** Set when no token we hold for the CPO works any more: what happened and what operations must do. Pulls pause meanwhile. */
  @Column('jsonb', { name: 'needs_attention', nullable: true }) needsAttention: NeedsAttention | null;
  /** When our token A of an invitation stops working; null for other tokens. */
  @Column('timestamptz', { name: 'our_token_expires_at', nullable: true }) ourTokenExpiresAt: Date | null;
  /** Why the last registration or sync step failed, in plain words for operations. */
  @Column('text', { name: 'last_error', nullable: true }) lastError: string | null;
  @Column('timestamptz', { name: 'registered_at', nullable: true }) registeredAt: Date | null;
  /** When the credentials tokens were last exchanged; set by a database trigger when our token changes, never written here. */
  @Column({ type: 'timestamptz', name: 'tokens_changed_at', nullable: true, insert: false, update: false }) tokensChangedAt: Date | null;
  @Column('timestamptz', { name: 'unregistered_at', nullable: true }) unregisteredAt: Date | null;
  /** Parties its credentials roles claimed that we refused (our own, another live connection's); empty when none. */
  @Column('jsonb', { name: 'refused_parties', default: () => "'[]'::jsonb" }) refusedParties: RefusedParty[];
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
  @OneToMany(() => ConnectionPartyEntity, (party) => party.connection) parties: ConnectionPartyEntity[];
  @OneToMany(() => AuthObservationEntity, (o) => o.connection) authObservations: AuthObservationEntity[];
  @OneToMany(() => ConnectionModuleModeEntity, (m) => m.connection) moduleModes: ConnectionModuleModeEntity[];
  /** Its circuit breaker (CpoCircuitService); none while the CPO never failed (read as CLOSED). */
  @OneToOne(() => CpoCircuitEntity, (c) => c.connection) circuit?: Relation<CpoCircuitEntity> | null;
}

/** Column values of a connection, for updates (relations excluded). */
export type ConnectionColumns = Partial<Omit<CpoConnectionEntity, 'parties' | 'authObservations' | 'moduleModes' | 'circuit'>>;

/**
 * The mode of one module of a connection. DEFAULT rows follow the endpoints the CPO lists (re-derived whenever its
 * endpoints are read again); an OPERATOR row is kept as chosen until operations change it (see module-modes.ts).
 */
@Entity('connection_module_mode')
export class ConnectionModuleModeEntity {
  @PrimaryColumn('uuid', { name: 'connection_id' }) connectionId: string;
  @PrimaryColumn('text') module: ConnectionModule;
  @Column('text') mode: ModuleMode;
  @Column('text', { name: 'chosen_by' }) chosenBy: 'DEFAULT' | 'OPERATOR';
  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' }) updatedAt: Date;
  /** Minutes between scheduled pulls as operations chose them; null: the default (module-modes.ts); 0: off. */
  @Column('integer', { name: 'interval_minutes', nullable: true }) intervalMinutes: number | null;
  /** When the schedule last sent a pull of this module (null: never); the next one is due an interval later. */
  @Column('timestamptz', { name: 'last_scheduled_at', nullable: true }) lastScheduledAt: Date | null;
  /** The latest pull of this module (scheduled or asked for), read with the row: when it started, and its status. */
  @VirtualColumn({
    type: 'timestamptz',
    query: (row) => `SELECT max(r.started_at) FROM sync_run r WHERE r.connection_id = ${row}.connection_id AND r.module = ${row}.module`,
  })
  lastRunStartedAt: Date | null;
  @VirtualColumn({
    type: 'text',
    query: (row) => `SELECT r.status FROM sync_run r WHERE r.connection_id = ${row}.connection_id AND r.module = ${row}.module ORDER BY r.started_at DESC LIMIT 1`,
  })
  lastRunStatus: string | null;
  @ManyToOne(() => CpoConnectionEntity, (c) => c.moduleModes, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'connection_id' })
  // Relation<>: no design-time type reference to a class declared further down this file.
  connection: Relation<CpoConnectionEntity>;
}

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
  // Relation<>: no design-time type reference to a class declared further down this file.
  connection: Relation<CpoConnectionEntity>;
  /** Role as the spec spells it: CPO, EMSP, HUB, NAP, NSP, OTHER, SCSP. */
  @Column('text') role: string;
  @Column('varchar', { name: 'country_code', length: 2 }) countryCode: string;
  @Column('varchar', { name: 'party_id', length: 3 }) partyId: string;
  /** BusinessDetails as received (name, website, logo). */
  @Column('jsonb', { name: 'business_details', nullable: true }) businessDetails: Record<string, unknown> | null;
}

/**
 * THEY_SEND: the CPO's Authorization headers carry its token in `encoding`, which its version does not
 * prescribe (we accepted it); THEY_ACCEPT: the CPO rejected (401) our token in the prescribed encoding and
 * accepted it in `encoding`, so we send it that way (transport_and_format 2.2.1 §Authorization header, NOTE).
 */
export type AuthObservationDirection = 'THEY_SEND' | 'THEY_ACCEPT';

/** How often and when a CPO was seen bending the Authorization header encoding, per direction and version. */
@Entity('connection_auth_observation')
export class AuthObservationEntity {
  @PrimaryColumn('uuid', { name: 'connection_id' }) connectionId: string;
  @PrimaryColumn('text') direction: AuthObservationDirection;
  @PrimaryColumn('text', { name: 'ocpi_version' }) ocpiVersion: string;
  @PrimaryColumn('text') encoding: TokenEncoding;
  @Column('integer') count: number;
  @Column('timestamptz', { name: 'first_seen' }) firstSeen: Date;
  @Column('timestamptz', { name: 'last_seen' }) lastSeen: Date;
  @ManyToOne(() => CpoConnectionEntity, (c) => c.authObservations, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'connection_id' })
  // Relation<>: no design-time type reference to a class declared further down this file.
  connection: Relation<CpoConnectionEntity>;
}

/** The circuit breaker of one connection, as operations read it; written with SQL by CpoCircuitService (see cpo-circuit.ts). */
@Entity('cpo_circuit')
export class CpoCircuitEntity {
  @PrimaryColumn('uuid', { name: 'connection_id' }) connectionId: string;
  @Column('text') state: CircuitState;
  @Column('integer', { name: 'consecutive_failures' }) consecutiveFailures: number;
  @Column('integer') openings: number;
  @Column('text', { name: 'opened_by', nullable: true }) openedBy: CircuitOpenedBy | null;
  @Column('timestamptz', { name: 'opened_at', nullable: true }) openedAt: Date | null;
  @Column('timestamptz', { name: 'open_until', nullable: true }) openUntil: Date | null;
  @Column('timestamptz', { name: 'probe_until', nullable: true }) probeUntil: Date | null;
  @Column('text', { name: 'last_failure', nullable: true }) lastFailure: string | null;
  @Column('timestamptz', { name: 'last_failure_at', nullable: true }) lastFailureAt: Date | null;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt: Date;
  @OneToOne(() => CpoConnectionEntity, (c) => c.circuit, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'connection_id' })
  connection: Relation<CpoConnectionEntity>;
}
