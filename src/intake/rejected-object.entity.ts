import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * An object a CPO sent that failed validation: kept raw with the reason, so nothing is lost and operations
 * can show the CPO exactly what was wrong. One bad object never stops the rest of its page.
 */
@Entity('rejected_object')
export class RejectedObjectEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid', { name: 'connection_id' }) connectionId: string;
  @Column('uuid', { name: 'sync_run_id', nullable: true }) syncRunId: string | null;
  @Column('text') module: string;
  @Column('text', { name: 'ocpi_version' }) ocpiVersion: string;
  @Column('text', { name: 'country_code', nullable: true }) countryCode: string | null;
  @Column('text', { name: 'party_id', nullable: true }) partyId: string | null;
  @Column('text', { name: 'object_id', nullable: true }) objectId: string | null;
  /** Every validation failure, e.g. "coordinates.latitude: must match ^-?[0-9]{1,2}\.[0-9]{5,7}$". */
  @Column('text') reason: string;
  @Column('jsonb') raw: unknown;
  @Column('timestamptz', { name: 'received_at' }) receivedAt: Date;
}
