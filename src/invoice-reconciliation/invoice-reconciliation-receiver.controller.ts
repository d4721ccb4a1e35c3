import { Controller, Delete, Get, HttpStatus, Param, Post, Put, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { fileRejections } from '../intake/rejected-objects';
import { OcpiAuthenticatedRequest, OcpiAuthGuard } from '../ocpi/server/ocpi-auth.guard';
import { OcpiExceptionFilter } from '../ocpi/server/ocpi-exception.filter';
import { pushSource } from '../ocpi/server/receivers/push-source';
import { PushedObject } from '../ocpi/server/receivers/pushed-object.decorator';
import { IntakeSource } from '../intake/intake-source';
import { mapInvoiceReconciliationRecord230 } from '../ocpi/v2_3_0/invoicereconciliation/invoice-reconciliation-record.mapper';
import { ObjectIdentity } from '../ocpi/wire/mapping-result';
import { OcpiError } from '../ocpi/wire/ocpi-error';
import { ocpiStored, ocpiSuccess, OcpiResponse } from '../ocpi/wire/ocpi-response';
import { OcpiStatus } from '../ocpi/wire/ocpi-status';
import { ReconciliationRecordStore } from './reconciliation-record.store';

/**
 * Our InvoiceReconciliation Receiver interface (mod_invoice_reconciliation 2.3.0 §Receiver Interface, direct billing:
 * the CPO issues the records, we are the eMSP receiving them). POST a new record, PUT an updated one at
 * {country_code}/{party_id}/{id}, GET it back, DELETE it (the record itself was an error). A CPO writes and reads only
 * records of its own parties (credentials roles). A malformed record is refused with OCPI 2001 naming the field and kept
 * raw in rejected_object (module invoicereconciliation). Only 2.3.0 has the module: HTTP 404 for other versions.
 */
@ApiExcludeController()
@Controller('ocpi/emsp/:version/invoicereconciliation')
@UseGuards(OcpiAuthGuard)
@UseFilters(OcpiExceptionFilter)
export class InvoiceReconciliationReceiverController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly records: ReconciliationRecordStore,
  ) {}

  /** POST: a new InvoiceReconciliationRecord (§POST Method). HTTP 201 when new to us, 200 when held already. */
  @Post()
  async post(
    @Param('version') version: string,
    @Req() request: OcpiAuthenticatedRequest,
    @PushedObject() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OcpiResponse<never>> {
    return this.store(source(version, request), body, null, reply);
  }

  /** PUT {country_code}/{party_id}/{id}: an updated record (§PUT Method); the body's identity must be the URL's. */
  @Put(':country_code/:party_id/:id')
  async put(
    @Param('version') version: string,
    @Param('country_code') countryCode: string,
    @Param('party_id') partyId: string,
    @Param('id') id: string,
    @Req() request: OcpiAuthenticatedRequest,
    @PushedObject() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OcpiResponse<never>> {
    return this.store(source(version, request), body, { countryCode, partyId, id }, reply);
  }

  /** GET {country_code}/{party_id}/{id}: the record as the CPO sent it (§GET Method); HTTP 404 when we hold none of its. */
  @Get(':country_code/:party_id/:id')
  async get(
    @Param('version') version: string,
    @Param('country_code') countryCode: string,
    @Param('party_id') partyId: string,
    @Param('id') id: string,
    @Req() request: OcpiAuthenticatedRequest,
  ): Promise<OcpiResponse<unknown>> {
    const s = source(version, request);
    ownParty(s, countryCode, partyId);
    const held = await this.records.get(s.connectionId, countryCode, partyId, id);
    if (!held) throw new OcpiError(OcpiStatus.CLIENT_ERROR, `Unknown InvoiceReconciliationRecord ${countryCode}*${partyId}*${id}`, HttpStatus.NOT_FOUND);
    return ocpiSuccess(held.raw);
  }

  /** DELETE {country_code}/{party_id}/{id} (§DELETE Method): the record is dropped from matching, kept for history; 404 when none. */
  @Delete(':country_code/:party_id/:id')
  async delete(
    @Param('version') version: string,
    @Param('country_code') countryCode: string,
    @Param('party_id') partyId: string,
    @Param('id') id: string,
    @Req() request: OcpiAuthenticatedRequest,
  ): Promise<OcpiResponse<never>> {
    const s = source(version, request);
    ownParty(s, countryCode, partyId);
    if (!(await this.records.delete(s.connectionId, countryCode, partyId, id))) {
      throw new OcpiError(OcpiStatus.CLIENT_ERROR, `Unknown InvoiceReconciliationRecord ${countryCode}*${partyId}*${id}`, HttpStatus.NOT_FOUND);
    }
    return ocpiSuccess<never>();
  }

  private async store(s: IntakeSource, body: unknown, url: ObjectIdentity | null, reply: FastifyReply): Promise<OcpiResponse<never>> {
    const refuse = async (reason: string, identity: ObjectIdentity): Promise<never> => {
      await fileRejections(this.db, { connectionId: s.connectionId, syncRunId: null, module: 'invoicereconciliation', ocpiVersion: '2.3.0' }, [
        { raw: body ?? null, reason, identity },
      ]);
      if (body === undefined) throw new OcpiError(OcpiStatus.INVALID_OR_MISSING_PARAMETERS, reason, HttpStatus.BAD_REQUEST);
      throw OcpiError.invalidParameters(reason);
    };
    const mapped = mapInvoiceReconciliationRecord230(body);
    if (!mapped.ok) return refuse(`Invalid InvoiceReconciliationRecord: ${mapped.reason}`, mapped.identity);
    const r = mapped.value;
    const identity = { countryCode: r.country_code, partyId: r.party_id, id: r.id };
    if (url && (url.countryCode?.toUpperCase() !== r.country_code || url.partyId?.toUpperCase() !== r.party_id || url.id !== r.id)) {
      return refuse(
        `InvoiceReconciliationRecord ${r.country_code}*${r.party_id}*${r.id} PUT at the URL of ${url.countryCode}*${url.partyId}*${url.id}: the identity must be the URL's`,
        identity,
      );
    }
    if (!s.parties.some((p) => p.countryCode === r.country_code && p.partyId === r.party_id)) {
      return refuse(`InvoiceReconciliationRecord of ${r.country_code}*${r.party_id}, which is not a party of this connection`, identity);
    }
    const outcome = await this.records.put(s.connectionId, r, body, 'PUSH');
    const stored = ocpiStored(outcome === 'CREATED' ? 'CREATED' : 'UPDATED');
    reply.status(stored.httpStatus);
    return stored.body;
  }
}

/** The push source of a 2.3.0 partner. @throws OcpiError HTTP 404 for a version without the module. */
function source(version: string, request: OcpiAuthenticatedRequest): IntakeSource {
  if (version !== '2.3.0') throw new OcpiError(OcpiStatus.CLIENT_ERROR, `OCPI ${version} has no invoicereconciliation module`, HttpStatus.NOT_FOUND);
  return pushSource(version, request);
}

/** @throws OcpiError HTTP 404 (as for an unknown record) when the party is none of the connection's: another's is not shown. */
function ownParty(s: IntakeSource, countryCode: string, partyId: string): void {
  if (!s.parties.some((p) => p.countryCode === countryCode.toUpperCase() && p.partyId === partyId.toUpperCase())) {
    throw new OcpiError(OcpiStatus.CLIENT_ERROR, `Unknown InvoiceReconciliationRecord ${countryCode}*${partyId}`, HttpStatus.NOT_FOUND);
  }
}
