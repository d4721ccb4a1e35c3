import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Req, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { AppConfig } from '../../config/app-config';
import { AcceptsTokenA, OcpiAuthenticatedRequest, OcpiAuthGuard } from './ocpi-auth.guard';
import { OcpiError } from '../wire/ocpi-error';
import { OcpiExceptionFilter } from './ocpi-exception.filter';
import { ocpiSuccess, OcpiResponse } from '../wire/ocpi-response';
import { OcpiStatus } from '../wire/ocpi-status';
import { OcpiVersionAdapter } from '../adapter/ocpi-version-adapter';
import { adapterFor } from '../versions/version-registry';
import { CpoConnectionEntity } from '../../connections/cpo-connection.entity';
import { CredentialsReceiverService } from '../../connections/credentials-receiver.service';
import { ourCredentials } from '../../connections/our-credentials';

/**
 * Our credentials endpoint, one per version (credentials §Interfaces and endpoints): GET, POST, PUT, DELETE
 * under /ocpi/emsp/{version}/credentials, in that version's credentials shape. See CredentialsReceiverService
 * for the rules. Authenticated by the token the CPO holds for us (token A while invited).
 */
@ApiExcludeController()
@Controller('ocpi/emsp/:version/credentials')
@UseGuards(OcpiAuthGuard)
@UseFilters(OcpiExceptionFilter)
@AcceptsTokenA()
export class CredentialsController {
  constructor(
    private readonly config: AppConfig,
    private readonly receiver: CredentialsReceiverService,
  ) {}

  /** GET: our credentials object, with the token the CPO authenticated with (we only keep its hash). */
  @Get()
  get(@Param('version') version: string, @Req() request: OcpiAuthenticatedRequest<CpoConnectionEntity>): OcpiResponse<unknown> {
    return ocpiSuccess(adapterOf(version).serialiseCredentials(ourCredentials(this.config, request.ocpiToken)));
  }

  /** POST: the CPO registers (with token A). @returns our credentials with token C. HTTP 405 when already registered. */
  @Post()
  @HttpCode(200)
  async post(@Param('version') version: string, @Req() request: OcpiAuthenticatedRequest<CpoConnectionEntity>, @Body() body: unknown): Promise<OcpiResponse<unknown>> {
    return ocpiSuccess(await this.receiver.register(request.ocpiPartner, request.ocpiToken, adapterOf(version), body));
  }

  /** PUT: the CPO updates its credentials (new token, endpoints, version). @returns ours with a new token. HTTP 405 when not registered. */
  @Put()
  async put(@Param('version') version: string, @Req() request: OcpiAuthenticatedRequest<CpoConnectionEntity>, @Body() body: unknown): Promise<OcpiResponse<unknown>> {
    return ocpiSuccess(await this.receiver.update(request.ocpiPartner, request.ocpiToken, adapterOf(version), body));
  }

  /** DELETE: the CPO unregisters; its token stops working. HTTP 405 when not registered. */
  @Delete()
  async remove(@Param('version') version: string, @Req() request: OcpiAuthenticatedRequest<CpoConnectionEntity>): Promise<OcpiResponse<undefined>> {
    adapterOf(version);
    await this.receiver.unregister(request.ocpiPartner);
    return ocpiSuccess(undefined);
  }
}

/** @throws OcpiError 3002 (HTTP 404) for a version we do not speak. */
function adapterOf(version: string): OcpiVersionAdapter {
  const adapter = adapterFor(version);
  if (!adapter) throw new OcpiError(OcpiStatus.UNSUPPORTED_VERSION, `Unsupported OCPI version ${version}`, 404);
  return adapter;
}
