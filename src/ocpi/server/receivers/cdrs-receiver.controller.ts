import { Controller, Get, Param, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { CdrStore } from '../../../cdrs/cdr.store';
import { AppConfig } from '../../../config/app-config';
import { IntakeService } from '../../../intake/intake.service';
import { OcpiError } from '../../wire/ocpi-error';
import { ocpiStored, ocpiSuccess, OcpiResponse } from '../../wire/ocpi-response';
import { OcpiStatus } from '../../wire/ocpi-status';
import { OcpiAuthenticatedRequest, OcpiAuthGuard } from '../ocpi-auth.guard';
import { OcpiExceptionFilter } from '../ocpi-exception.filter';
import { pushSource } from './push-source';
import { PushedObject } from './pushed-object.decorator';

/**
 * Our CDRs Receiver interface, one per version (mod_cdrs 2.2.1 §Receiver Interface, 2.1.1 §2.2 eMSP Interface,
 * 2.3.0 §Receiver Interface): POST a new CDR, GET it back at the URL the POST's Location header gave. PUT, PATCH and
 * DELETE are "n/a (CDRs cannot be replaced / updated / removed)". Authenticated by the CPO's credentials token.
 * A CDR takes the intake step like every object a CPO sends: invalid ones, another party's, and a different CDR
 * under an id we hold are refused with OCPI 2001 (in HTTP 200), kept raw with the reason; the same CDR again is accepted.
 */
@ApiExcludeController()
@Controller('ocpi/emsp/:version/cdrs')
@UseGuards(OcpiAuthGuard)
@UseFilters(OcpiExceptionFilter)
export class CdrsReceiverController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly config: AppConfig,
    private readonly intake: IntakeService,
    private readonly cdrs: CdrStore,
  ) {}

  /**
   * POST: the full, final CDR. HTTP 201 when new, 200 when we already held the same CDR; either way a Location header
   * with the URL to GET it (§POST Method, Response Headers). OCPI 2001 (in HTTP 200) with the reason otherwise.
   */
  @Post()
  async post(
    @Param('version') version: string,
    @Req() request: OcpiAuthenticatedRequest,
    @PushedObject() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OcpiResponse<never>> {
    const source = pushSource(version, request);
    const { rowId, created } = await this.intake.takeOne(source, 'cdrs', body);
    const stored = ocpiStored(created ? 'CREATED' : 'UPDATED');
    reply.status(stored.httpStatus);
    reply.header('Location', `${this.config.publicUrl}/ocpi/emsp/${source.adapter.version}/cdrs/${rowId}`);
    return stored.body;
  }

  /** GET {id}: a CDR this CPO sent us, as it sent it (§GET Method). HTTP 404 for another's or an unknown one. */
  @Get(':id')
  async get(@Param('version') version: string, @Param('id') id: string, @Req() request: OcpiAuthenticatedRequest): Promise<OcpiResponse<unknown>> {
    const { connectionId } = pushSource(version, request);
    const found = await this.cdrs.findRaw(this.db, id, connectionId);
    if (!found) throw new OcpiError(OcpiStatus.CLIENT_ERROR, `Unknown CDR ${id}`, 404);
    return ocpiSuccess(found.raw);
  }
}
