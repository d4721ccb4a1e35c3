import { Controller, Get, HttpStatus, Param, Put, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { HubClientInfoStore } from '../../../hubs/hub-client-info.store';
import { fileRejections } from '../../../intake/rejected-objects';
import { HubClientInfoWire, OcpiVersionAdapter } from '../../adapter/ocpi-version-adapter';
import { adapterFor } from '../../versions/version-registry';
import { ObjectIdentity } from '../../wire/mapping-result';
import { OcpiError } from '../../wire/ocpi-error';
import { ocpiStored, ocpiSuccess, OcpiResponse } from '../../wire/ocpi-response';
import { OcpiStatus } from '../../wire/ocpi-status';
import { hubOf } from '../message-routing';
import { OcpiAuthenticatedRequest, OcpiAuthGuard } from '../ocpi-auth.guard';
import { OcpiExceptionFilter } from '../ocpi-exception.filter';
import { PushedObject } from './pushed-object.decorator';

/**
 * Our HubClientInfo Receiver interface (mod_hub_client_info 2.2.1 / 2.3.0 §Receiver Interface): a Hub PUTs the
 * ClientInfo of each party connected to it (new, changed, or SUSPENDED when it left), and may GET back what we hold.
 * A configuration module: no routing headers either way (transport_and_format §Message Routing Headers). Only a
 * partner with the HUB role may use it (the Hub owns these objects). Stored per Hub connection; a copy older than the
 * one held changes nothing. 2.1.1 has no Hubs: HTTP 404 there.
 */
@ApiExcludeController()
@Controller('ocpi/emsp/:version/hubclientinfo')
@UseGuards(OcpiAuthGuard)
@UseFilters(OcpiExceptionFilter)
export class HubClientInfoReceiverController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly clientInfo: HubClientInfoStore,
  ) {}

  /**
   * PUT {country_code}/{party_id}: one ClientInfo (§PUT Method). HTTP 201 for a party new to us, 200 otherwise (also
   * when the copy is older than ours and changed nothing). OCPI 2001 (HTTP 200) naming the field for an invalid object
   * or one whose country_code / party_id differ from the URL's, kept raw in rejected_object (module hubclientinfo).
   */
  @Put(':country_code/:party_id')
  async put(
    @Param('version') version: string,
    @Param('country_code') countryCode: string,
    @Param('party_id') partyId: string,
    @Req() request: OcpiAuthenticatedRequest,
    @PushedObject() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OcpiResponse<never>> {
    const { adapter, wire } = hubSource(version, request);
    const refuse = (reason: string, identity: ObjectIdentity) => this.refuse(request.ocpiPartner.id, adapter.version, body, reason, identity);
    const mapped = wire.map(body);
    if (!mapped.ok) return refuse(`Invalid ClientInfo: ${mapped.reason}`, mapped.identity);
    const info = mapped.value;
    if (info.country_code !== countryCode.toUpperCase() || info.party_id !== partyId.toUpperCase()) {
      const reason = `ClientInfo of ${info.country_code}*${info.party_id} PUT at the URL of ${countryCode}*${partyId}: country_code and party_id must be the URL's`;
      return refuse(reason, { countryCode: info.country_code, partyId: info.party_id, id: null });
    }
    const outcome = await this.clientInfo.put(request.ocpiPartner.id, info, body);
    const stored = ocpiStored(outcome === 'CREATED' ? 'CREATED' : 'UPDATED');
    reply.status(stored.httpStatus);
    return stored.body;
  }

  /** GET {country_code}/{party_id}: the ClientInfo we hold of that party from this Hub (§GET Method); HTTP 404 when none. */
  @Get(':country_code/:party_id')
  async get(
    @Param('version') version: string,
    @Param('country_code') countryCode: string,
    @Param('party_id') partyId: string,
    @Req() request: OcpiAuthenticatedRequest,
  ): Promise<OcpiResponse<unknown>> {
    const { wire } = hubSource(version, request);
    // One party may sit behind the Hub in several roles; the newest ClientInfo answers.
    const [held] = await this.clientInfo.ofParty(request.ocpiPartner.id, countryCode, partyId);
    if (!held) throw new OcpiError(OcpiStatus.CLIENT_ERROR, `Unknown ClientInfo ${countryCode}*${partyId}`, HttpStatus.NOT_FOUND);
    return ocpiSuccess(wire.serialise(held));
  }

  /**
   * Files a refused ClientInfo raw in rejected_object, then refuses it: 2001 in HTTP 200, or in HTTP 400 when there was
   * no body at all. @throws OcpiError always
   */
  private async refuse(connectionId: string, ocpiVersion: string, body: unknown, reason: string, identity: ObjectIdentity): Promise<never> {
    await fileRejections(this.db, { connectionId, syncRunId: null, module: 'hubclientinfo', ocpiVersion }, [{ raw: body ?? null, reason, identity }]);
    if (body === undefined) throw new OcpiError(OcpiStatus.INVALID_OR_MISSING_PARAMETERS, reason, HttpStatus.BAD_REQUEST);
    throw OcpiError.invalidParameters(reason);
  }
}

/**
 * The version's HubClientInfo module, for a registered Hub. @throws OcpiError HTTP 404 for a version without it (2.1.1)
 * or that we do not speak; 2000 (HTTP 200) before registration or for a partner that is no Hub.
 */
function hubSource(version: string, request: OcpiAuthenticatedRequest): { adapter: OcpiVersionAdapter; wire: HubClientInfoWire } {
  const adapter = adapterFor(version);
  if (!adapter) throw new OcpiError(OcpiStatus.UNSUPPORTED_VERSION, `Unsupported OCPI version ${version}`, HttpStatus.NOT_FOUND);
  if (!adapter.hubClientInfo) throw new OcpiError(OcpiStatus.CLIENT_ERROR, `OCPI ${version} has no hubclientinfo module`, HttpStatus.NOT_FOUND);
  const partner = request.ocpiPartner;
  if (partner.status !== 'REGISTERED') throw new OcpiError(OcpiStatus.CLIENT_ERROR, `Connection is ${partner.status}, not registered`, HttpStatus.OK);
  if (!hubOf(partner)) {
    throw new OcpiError(OcpiStatus.CLIENT_ERROR, 'Only a Hub (a credentials role HUB) sends ClientInfo (mod_hub_client_info: data owner Hub)', HttpStatus.OK);
  }
  return { adapter, wire: adapter.hubClientInfo };
}
