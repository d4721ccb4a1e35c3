import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, Relation } from 'typeorm';
import { TokenEncoding } from '../ocpi/wire/authorization-header';
import { CpoConnectionEntity } from './cpo-connection.entity';

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
  // Relation<>: no design-time type reference, so the two entity files may import each other in any order.
  connection: Relation<CpoConnectionEntity>;
}
