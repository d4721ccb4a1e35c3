import { Controller, Get, Param, Req, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { AppConfig } from '../config/app-config';
import { OcpiAuthenticatedRequest, OcpiAuthGuard } from '../ocpi/core/ocpi-auth.guard';
import { OcpiError } from '../ocpi/core/ocpi-error';
import { OcpiExceptionFilter } from '../ocpi/core/ocpi-exception.filter';
import { ocpiSuccess, OcpiResponse } from '../ocpi/core/ocpi-response';
import { OcpiStatus } from '../ocpi/core/ocpi-status';
import { adapterFor } from '../ocpi/versions/version-registry';

/**
 * Our credentials endpoint (credentials 2.2.1 §Interfaces and endpoints). GET returns the credentials the
 * calling CPO uses to reach us. POST / PUT / DELETE (CPO-initiated registration, rotation, unregistering)
 * come with the transport issue.
 */
@ApiExcludeController()
@Controller('ocpi/emsp/:version/credentials')
@UseGuards(OcpiAuthGuard)
@UseFilters(OcpiExceptionFilter)
export class CredentialsController {
  constructor(private readonly config: AppConfig) {}

  /** GET: our credentials object, with the token the CPO authenticated with (we only keep its hash). */
  @Get()
  get(@Param('version') version: string, @Req() request: OcpiAuthenticatedRequest): OcpiResponse<unknown> {
    const adapter = adapterFor(version);
    if (!adapter) throw new OcpiError(OcpiStatus.UNSUPPORTED_VERSION, `Unsupported OCPI version ${version}`, 404);
    const us = this.config.ourParty;
    return ocpiSuccess(adapter.serialiseCredentials({
      token: request.ocpiToken,
      url: this.config.ourVersionsUrl,
      roles: [{ role: 'EMSP', country_code: us.countryCode, party_id: us.partyId, business_details: { name: us.businessName } }],
    }));
  }
}
