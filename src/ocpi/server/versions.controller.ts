import { Controller, Get, Param, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { AppConfig } from '../../config/app-config';
import { AcceptsTokenA, OcpiAuthGuard } from './ocpi-auth.guard';
import { OcpiError } from '../wire/ocpi-error';
import { OcpiExceptionFilter } from './ocpi-exception.filter';
import { ocpiSuccess, OcpiResponse } from '../wire/ocpi-response';
import { OcpiStatus } from '../wire/ocpi-status';
import { adapterFor, SUPPORTED_VERSIONS } from '../versions/version-registry';

/**
 * Our version information endpoints (version_information_endpoint §Versions, §Version details of every
 * version we speak; 2.1.1 endpoints without role), served to authenticated CPOs under /ocpi/emsp.
 */
@ApiExcludeController()
@Controller('ocpi/emsp')
@UseGuards(OcpiAuthGuard)
@UseFilters(OcpiExceptionFilter)
@AcceptsTokenA()
export class VersionsController {
  constructor(private readonly config: AppConfig) {}

  /** GET /ocpi/emsp/versions: [{ version, url }] for every version we speak. */
  @Get('versions')
  versions(): OcpiResponse<Array<{ version: string; url: string }>> {
    return ocpiSuccess(SUPPORTED_VERSIONS.map((a) => ({ version: a.version, url: `${this.config.publicUrl}/ocpi/emsp/${a.version}` })));
  }

  /** GET /ocpi/emsp/{version}: { version, endpoints }. @throws OcpiError 3002 for a version we do not speak. */
  @Get(':version')
  details(@Param('version') version: string): OcpiResponse<{ version: string; endpoints: unknown[] }> {
    const adapter = adapterFor(version);
    if (!adapter) throw new OcpiError(OcpiStatus.UNSUPPORTED_VERSION, `Unsupported OCPI version ${version}`, 404);
    return ocpiSuccess({ version: adapter.version, endpoints: adapter.ourEndpoints(`${this.config.publicUrl}/ocpi/emsp/${adapter.version}`) });
  }
}
