import { Body, Controller, Get, Param, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { AppConfig } from '../../../config/app-config';
import { OcpiAuthenticatedRequest, OcpiAuthGuard } from '../ocpi-auth.guard';
import { OcpiError } from '../../wire/ocpi-error';
import { OcpiExceptionFilter } from '../ocpi-exception.filter';
import { ocpiStored, ocpiSuccess, OcpiResponse } from '../../wire/ocpi-response';
import { OcpiStatus } from '../../wire/ocpi-status';
import { OcpiVersionAdapter } from '../../adapter/ocpi-version-adapter';
import { adapterFor } from '../../versions/version-registry';
import { CdrReceiver } from '../../../intake/cdr-receiver.service';

/**
 * Our CDRs Receiver interface, one per version (mod_cdrs 2.2.1 §Receiver Interface, 2.1.1 §2.2 eMSP Interface,
 * 2.3.0 §Receiver Interface): POST a new CDR, GET it back at the URL the POST's Location header gave. PUT, PATCH and
 * DELETE are "n/a (CDRs cannot be replaced / updated / removed)". Authenticated by the CPO's credentials token.
 */
@ApiExcludeController()
@Controller('ocpi/emsp/:version/cdrs')
@UseGuards(OcpiAuthGuard)
@UseFilters(OcpiExceptionFilter)
export class CdrsReceiverController {
  constructor(
    private readonly config: AppConfig,
    private readonly receiver: CdrReceiver,
  ) {}

  /**
   * POST: the full, final CDR. HTTP 201 when new, 200 when we already held the same CDR; either way a Location header
   * with the URL to GET it (§POST Method, Response Headers). OCPI 2001 (HTTP 400) with the reason otherwise.
   */
  @Post()
  async post(@Param('version') version: string, @Req() request: OcpiAuthenticatedRequest, @Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply): Promise<OcpiResponse<never>> {
    const adapter = adapterOf(version, request);
    const { outcome, rowId } = await this.receiver.receive(request.ocpiConnection, adapter, body);
    const stored = ocpiStored(outcome === 'CREATED' ? 'CREATED' : 'UPDATED');
    reply.status(stored.httpStatus);
    reply.header('Location', `${this.config.publicUrl}/ocpi/emsp/${adapter.version}/cdrs/${rowId}`);
    return stored.body;
  }

  /** GET {id}: a CDR this CPO sent us, as it sent it (§GET Method). HTTP 404 for another's or an unknown one. */
  @Get(':id')
  async get(@Param('version') version: string, @Param('id') id: string, @Req() request: OcpiAuthenticatedRequest): Promise<OcpiResponse<unknown>> {
    adapterOf(version, request);
    return ocpiSuccess(await this.receiver.get(request.ocpiConnection, id));
  }
}

/** @throws OcpiError 3002 (HTTP 404) for a version we do not speak; 2000 (HTTP 400) before registration. */
function adapterOf(version: string, request: OcpiAuthenticatedRequest): OcpiVersionAdapter {
  const adapter = adapterFor(version);
  if (!adapter) throw new OcpiError(OcpiStatus.UNSUPPORTED_VERSION, `Unsupported OCPI version ${version}`, 404);
  if (request.ocpiConnection.status !== 'REGISTERED') throw new OcpiError(OcpiStatus.CLIENT_ERROR, `Connection is ${request.ocpiConnection.status}, not registered`, 400);
  return adapter;
}
