import { Controller, Get, HttpStatus, Param, Patch, Put, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { partyFilter } from '../../../intake/own-parties';
import { ObjectPath } from '../../../intake/pushed-change';
import { SessionStore } from '../../../sessions/session.store';
import { OcpiError } from '../../wire/ocpi-error';
import { ocpiSuccess, OcpiResponse } from '../../wire/ocpi-response';
import { OcpiStatus } from '../../wire/ocpi-status';
import { OcpiAuthenticatedRequest, OcpiAuthGuard } from '../ocpi-auth.guard';
import { OcpiExceptionFilter } from '../ocpi-exception.filter';
import { ChangeReceiver } from './change-receiver';
import { pushSource } from './push-source';
import { PushedObject } from './pushed-object.decorator';

const PATH = ':country_code/:party_id/:session_id';

interface PathParams {
  country_code: string;
  party_id: string;
  session_id: string;
}

/**
 * Our Sessions Receiver interface, one per version (mod_sessions 2.2.1 / 2.3.0 §Receiver Interface; 2.1.1 §2.2 eMSP
 * Interface): `{sessions}/{country_code}/{party_id}/{session_id}` with GET, PUT and PATCH (POST and DELETE are n/a).
 * Every change is made into the whole Session and takes the one intake step (IntakeService.takeChange): the party in the
 * URL must be one of the connection's, the body must agree with the URL, older changes change nothing; a PATCH's
 * charging_periods are added to ours (one resent with a start we hold replaces ours: nothing doubled). Stored with
 * source PUSH, linked to its CDR when we hold it. OCPI has no "unknown Session" code: an unknown one is 2000 in HTTP 404,
 * as for an unknown CDR. Authenticated by the CPO's credentials token, in either Authorization form.
 */
@ApiExcludeController()
@Controller('ocpi/emsp/:version/sessions')
@UseGuards(OcpiAuthGuard)
@UseFilters(OcpiExceptionFilter)
export class SessionsReceiverController {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly sessions: SessionStore,
    private readonly changes: ChangeReceiver,
  ) {}

  /**
   * GET: the Session as we hold it from this CPO, in its own wire form (§GET Method): the last whole one with every
   * PATCH since composed in.
   * @throws OcpiError 2000 in HTTP 404 for one we do not hold from this connection, or of another party.
   */
  @Get(PATH)
  async get(@Param('version') version: string, @Param() params: PathParams, @Req() request: OcpiAuthenticatedRequest): Promise<OcpiResponse<unknown>> {
    const source = pushSource(version, request);
    const path = objectPath(params);
    const found = partyFilter(source.parties)(path.country_code, path.party_id) ? await this.sessions.rawHeldBy(this.db, source.connectionId, path) : null;
    if (found === null) throw new OcpiError(OcpiStatus.CLIENT_ERROR, `Unknown Session ${path.country_code}/${path.party_id}/${path.id}`, HttpStatus.NOT_FOUND);
    return ocpiSuccess(found);
  }

  /**
   * PUT: a new or replacing Session, its charging_periods replacing ours (§PUT Method). HTTP 201 when new, 200 otherwise
   * (also when ours is newer: then nothing changes, said in status_message).
   * @throws OcpiError 2001 naming the field: invalid Session, URL and body disagree, another party's.
   */
  @Put(PATH)
  put(
    @Param('version') version: string,
    @Param() params: PathParams,
    @Req() request: OcpiAuthenticatedRequest,
    @PushedObject() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OcpiResponse<never>> {
    return this.changes.receive(version, request, reply, 'sessions', { method: 'PUT', path: objectPath(params), body }, OcpiStatus.CLIENT_ERROR);
  }

  /**
   * PATCH: the fields that change, with last_updated; charging_periods are added (§PATCH Method). 200 when applied (or
   * older than ours). For a Session we do not hold: 2000 in HTTP 404, nothing stored, and the Session is fetched from
   * the CPO's Sender interface.
   * @throws OcpiError 2001: no last_updated, an invalid result, URL and body disagree, another party's.
   */
  @Patch(PATH)
  patch(
    @Param('version') version: string,
    @Param() params: PathParams,
    @Req() request: OcpiAuthenticatedRequest,
    @PushedObject() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OcpiResponse<never>> {
    return this.changes.receive(version, request, reply, 'sessions', { method: 'PATCH', path: objectPath(params), body }, OcpiStatus.CLIENT_ERROR);
  }
}

function objectPath(params: PathParams): ObjectPath {
  return { country_code: params.country_code, party_id: params.party_id, id: params.session_id };
}
