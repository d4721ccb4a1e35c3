import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CpoConnectionEntity } from '../connections/cpo-connection.entity';
import { partyFilter } from '../connections/own-parties';
import { tallyDeviations, WireDeviationCount } from '../ocpi/wire/wire-deviation';
import { normaliseWireObject } from '../ocpi/wire/wire-normaliser';
import { OcpiError } from '../ocpi/wire/ocpi-error';
import { OcpiStatus } from '../ocpi/wire/ocpi-status';
import { OcpiVersionAdapter } from '../ocpi/adapter/ocpi-version-adapter';
import { fileRejections, RejectedIdentity } from './rejected-objects';
import { addDeviations } from './wire-deviation.store';
import { CdrCostCheck } from '../finance/cdr-cost-check.service';
import { CdrStore } from '../cdrs/cdr.store';

/** What became of a pushed CDR: a new row, or the same CDR we already held (idempotent). */
export interface ReceivedCdr {
  outcome: 'CREATED' | 'EXISTED';
  /** Our id of the stored CDR (the Location header points at it). */
  rowId: string;
}

/**
 * The CDRs Receiver interface (mod_cdrs 2.2.1 §Receiver Interface, 2.1.1 §2.2 eMSP Interface): a CPO POSTs a full,
 * final CDR; we read it tolerantly, map it with the version's mapper, store it once and price it. Refused with OCPI
 * 2001 (HTTP 400), the raw object kept in rejected_object with the reason: an invalid CDR; a CDR of a party that is
 * not the connection's (a CPO sends only its own); a CDR under an id we already hold with other content ("CDRs
 * cannot be replaced": corrections are credit CDRs). The same CDR again is accepted (idempotent).
 */
@Injectable()
export class CdrReceiver {
  private readonly logger = new Logger(CdrReceiver.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly store: CdrStore,
    private readonly check: CdrCostCheck,
  ) {}

  /** @throws OcpiError 2001 (HTTP 400) with the reason, after filing the raw object. */
  async receive(connection: CpoConnectionEntity, adapter: OcpiVersionAdapter, raw: unknown): Promise<ReceivedCdr> {
    const tally = new Map<string, WireDeviationCount>();
    const normalised = normaliseWireObject('cdrs', raw);
    tallyDeviations(tally, normalised.deviations);
    // Tolerated (the path says which version the body is), but counted: the CPO should use the agreed version's URLs.
    if (connection.ocpiVersion && connection.ocpiVersion !== adapter.version) {
      tallyDeviations(tally, [{ kind: 'OTHER_VERSION_ENDPOINT', field: 'path', example: `${adapter.version} (agreed: ${connection.ocpiVersion})` }]);
    }
    const parties = connection.parties ?? [];
    const context = { owner: parties.length === 1 ? { country_code: parties[0].countryCode, party_id: parties[0].partyId } : null };
    let mapped;
    try {
      mapped = adapter.mapCdr(normalised.value, context);
    } catch (error) {
      mapped = { ok: false as const, reason: `could not be read: ${(error as Error).message}`, identity: { countryCode: null, partyId: null, id: null } };
    }
    if (!mapped.ok) return this.refuse(connection, adapter, raw, `Invalid CDR: ${mapped.reason}`, mapped.identity);
    const cdr = mapped.value;
    const identity = { countryCode: cdr.country_code, partyId: cdr.party_id, id: cdr.id };
    if (!partyFilter(parties)(cdr.country_code, cdr.party_id)) {
      const own = parties.map((p) => `${p.countryCode}*${p.partyId}`).join(', ');
      return this.refuse(connection, adapter, raw, `CDR ${cdr.id} belongs to party ${cdr.country_code}*${cdr.party_id}, not to a party of this connection (${own}): a CPO may only send its own CDRs`, identity);
    }
    const [outcome] = await this.db.transaction(async (m) => {
      await addDeviations(m, connection.id, 'cdrs', [...tally.values()]);
      return this.store.insertMany(m, connection.id, adapter.version, 'PUSH', [{ cdr, raw }]);
    });
    if (outcome.kind === 'CONFLICT') return this.refuse(connection, adapter, raw, outcome.reason, identity);
    // The CDR is ours now: a pricing failure must not turn its POST into an error (the next tariffs pull re-checks it).
    if (outcome.kind === 'INSERTED') await this.check.checkRows([outcome.rowId]).catch((error: Error) => this.logger.warn({ connectionId: connection.id, cdr: cdr.id }, `Pricing the pushed CDR failed, left for a re-check: ${error.message}`));
    return { outcome: outcome.kind === 'INSERTED' ? 'CREATED' : 'EXISTED', rowId: outcome.rowId };
  }

  /** The CDR as it was received, when it came through this connection. @throws OcpiError 2000 (HTTP 404) otherwise. */
  async get(connection: CpoConnectionEntity, rowId: string): Promise<unknown> {
    const rows: Array<{ raw: unknown }> = /^[0-9a-f-]{36}$/i.test(rowId)
      ? await this.db.query(`SELECT raw FROM cdr WHERE id = $1 AND connection_id = $2`, [rowId, connection.id])
      : [];
    if (rows.length === 0) throw new OcpiError(OcpiStatus.CLIENT_ERROR, `Unknown CDR ${rowId}`, 404);
    return rows[0].raw;
  }

  private async refuse(connection: CpoConnectionEntity, adapter: OcpiVersionAdapter, raw: unknown, reason: string, identity: RejectedIdentity): Promise<never> {
    await fileRejections(this.db, { connectionId: connection.id, syncRunId: null, module: 'cdrs', ocpiVersion: adapter.version }, [{ raw, reason, identity }]);
    throw OcpiError.invalidParameters(reason);
  }
}
