import { BadRequestException, Body, Controller, Delete, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiOperation, ApiParam } from '@nestjs/swagger';
import { ConnectionView, toConnectionView } from '../connections/connection.view';
import { AppConfig } from '../config/app-config';
import { ScheduleSettings, scheduleSettingsOf } from '../connections/module-modes';
import { ConnectionsService } from '../connections/connections.service';
import { CredentialsSenderService } from '../connections/credentials-sender.service';
import { CpoCircuitService } from '../connections/cpo-circuit.service';
import { ConnectionModule } from '../connections/cpo-connection.entity';
import { InviteConnectionDto } from '../connections/dto/invite-connection.dto';
import { SetModuleModeDto } from '../connections/dto/set-module-mode.dto';
import { CONNECTION_MODULES } from '../connections/module-modes';
import { registrationHttpError } from './registration-http-error';
import { ConnectionErrorBody } from '../common/http/api-error';
import { ApiErrors, InternalApi } from '../common/http/internal-api.decorator';

/**
 * Operations API for a connection's life beyond the first registration: inviting a CPO to register itself,
 * rotating tokens, unregistering, re-discovering endpoints (credentials §Registration, §PUT, §DELETE,
 * §Changing endpoints), and choosing per module whether we pull it, receive it, or both. Errors: 404 unknown connection, 409 wrong state, 502 the CPO failed us, with
 * { statusCode, error, message, connection_id }.
 */
@InternalApi('operations', 'OPERATIONS')
@Controller('api/v1/operations/connections')
export class ConnectionLifecycleController {
  /** The default intervals the connections' schedules show. */
  private readonly schedules: ScheduleSettings;

  constructor(
    config: AppConfig,
    private readonly connections: ConnectionsService,
    private readonly sender: CredentialsSenderService,
    private readonly circuits: CpoCircuitService,
  ) {
    this.schedules = scheduleSettingsOf(config.env);
  }

  /**
   * POST {id}/circuit/reset: closes the CPO's circuit breaker by hand (e.g. the CPO says it is back before the backoff
   * has passed): calls to it go out again at once, on every instance; the failure count restarts, the last failure stays
   * on view. 200 with the connection (its `circuit`); 404 unknown connection. Nothing is sent to the CPO.
   */
  @Post(':id/circuit/reset')
  @HttpCode(200)
  @ApiOperation({ summary: "Close a CPO's circuit breaker by hand: calls to it resume at once" })
  @ApiErrors({ 400: 'id is not a uuid', 404: 'No such connection' })
  async resetCircuit(@Param('id', new ParseUUIDPipe()) id: string): Promise<ConnectionView> {
    await this.connections.get(id);
    await this.circuits.reset(id);
    return toConnectionView(await this.connections.get(id), this.schedules);
  }

  /**
   * POST invitations: a new CREDENTIALS_TOKEN_A for a CPO that will register with us (CPO-initiated).
   * 201 with { connection, token_a, versions_url, expires_at }: hand token A and our versions URL to the CPO
   * securely; token A is shown this once (we keep only its hash) and works on versions and credentials only.
   */
  @Post('invitations')
  @ApiOperation({ summary: 'Invite a CPO to register with us (CPO-initiated credentials handshake)' })
  @ApiErrors({ 400: 'An invalid field, named' })
  async invite(@Body() body: InviteConnectionDto) {
    const invitation = await this.connections.invite(body.name, body.valid_days ?? 7);
    return {
      connection: toConnectionView(invitation.connection, this.schedules),
      token_a: invitation.tokenA,
      versions_url: invitation.versionsUrl,
      expires_at: invitation.expiresAt.toISOString(),
    };
  }

  /**
   * POST {id}/rotate: PUTs our new credentials (new token) to the CPO's credentials endpoint of the highest
   * mutual version (switching version if the CPO now offers a higher one) and keeps the CPO's new token.
   * 200 with { connection, previous_version }; the old tokens stop working. 409 if not registered, 502 if the
   * CPO failed: the message says whether the CPO applied the PUT anyway (our old and new token both keep working
   * until it uses one; the connection view's needs_attention says when no token of its works for us any more).
   */
  @Post(':id/rotate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Rotate the credentials tokens with a CPO (credentials PUT)' })
  @ApiErrors({
    400: 'id is not a uuid',
    404: 'No such connection',
    409: { description: 'Not registered (error NOT_REGISTERED)', type: ConnectionErrorBody },
    502: { description: 'The CPO failed the credentials PUT (error: a RegistrationFailure); the message says whether it applied it anyway', type: ConnectionErrorBody },
  })
  async rotate(@Param('id', new ParseUUIDPipe()) id: string): Promise<{ connection: ConnectionView; previous_version: string }> {
    try {
      const { connection, previousVersion } = await this.sender.rotate(id);
      return { connection: toConnectionView(connection, this.schedules), previous_version: previousVersion };
    } catch (error) {
      throw registrationHttpError(error);
    }
  }

  /**
   * DELETE {id}: unregisters. A registered CPO gets a DELETE on its credentials endpoint; the connection is
   * UNREGISTERED whatever it answers (no token of it works any more). 200 with { connection, cpo_notified,
   * cpo_error }. 409 when already unregistered.
   */
  @Delete(':id')
  @ApiOperation({ summary: 'Unregister a CPO (credentials DELETE) or revoke an invitation' })
  @ApiErrors({ 400: 'id is not a uuid', 404: 'No such connection', 409: { description: 'Already unregistered (error NOT_REGISTERED)', type: ConnectionErrorBody } })
  async unregister(@Param('id', new ParseUUIDPipe()) id: string): Promise<{ connection: ConnectionView; cpo_notified: boolean; cpo_error: string | null }> {
    try {
      const result = await this.sender.unregister(id);
      return { connection: toConnectionView(result.connection, this.schedules), cpo_notified: result.cpoNotified, cpo_error: result.cpoError };
    } catch (error) {
      throw registrationHttpError(error);
    }
  }

  /**
   * POST {id}/rediscover: reads the CPO's versions and the endpoints of the version in use again.
   * 200 with { connection, endpoints_changed, newer_mutual_version } (a newer mutual version is switched to
   * by a rotation). 409 if not registered, 502 if the CPO failed (the stored endpoints are kept).
   */
  @Post(':id/rediscover')
  @HttpCode(200)
  @ApiOperation({ summary: "Re-discover a CPO's versions and endpoints" })
  @ApiErrors({
    400: 'id is not a uuid',
    404: 'No such connection',
    409: { description: 'Not registered (error NOT_REGISTERED)', type: ConnectionErrorBody },
    502: { description: 'The CPO failed us (error: a RegistrationFailure); the stored endpoints are kept', type: ConnectionErrorBody },
  })
  async rediscover(@Param('id', new ParseUUIDPipe()) id: string) {
    try {
      const result = await this.sender.rediscover(id);
      return { connection: toConnectionView(result.connection, this.schedules), endpoints_changed: result.endpointsChanged, newer_mutual_version: result.newerMutualVersion };
    } catch (error) {
      throw registrationHttpError(error);
    }
  }

  /**
   * PATCH {id}/modules/{module} with { mode, interval_minutes } (either or both). `mode`: how we get this module's
   * objects from the CPO: PULL (from its Sender interface), RECEIVE (its pushes to our Receiver interface) or BOTH; null
   * goes back to the default (BOTH when the CPO lists the Sender interface, else RECEIVE). `interval_minutes`: minutes
   * between scheduled pulls (1 to 1440), "off" (never pulled by the schedule; "sync now" still pulls it), or null for the
   * default from SYNC_INTERVAL_MINUTES. Choices are kept through re-discoveries and credentials updates.
   * 200 with the connection (its `modules`, each with its `schedule`). 400 for another module, mode or interval, or a
   * body with neither; 404 unknown connection; 409 when not registered, or PULL / BOTH for a module whose Sender
   * interface the CPO does not list.
   */
  @Patch(':id/modules/:module')
  @ApiOperation({ summary: 'Choose whether a module of a CPO is pulled, received (pushed by the CPO), or both, and how often it is pulled' })
  @ApiParam({ name: 'module', enum: CONNECTION_MODULES })
  @ApiErrors({
    400: 'id is not a uuid; another module, mode or interval; a body with neither',
    404: 'No such connection',
    409: 'Not registered, or PULL / BOTH for a module whose Sender interface the CPO does not list',
  })
  async setModuleMode(@Param('id', new ParseUUIDPipe()) id: string, @Param('module') module: string, @Body() body: SetModuleModeDto): Promise<ConnectionView> {
    if (!(CONNECTION_MODULES as readonly string[]).includes(module)) {
      throw new BadRequestException(`module must be one of ${CONNECTION_MODULES.join(', ')}, got "${module}"`);
    }
    if (body.mode === undefined && body.interval_minutes === undefined) throw new BadRequestException('Give mode, interval_minutes, or both');
    let connection = await this.connections.get(id);
    if (body.mode !== undefined) connection = await this.connections.setModuleMode(id, module as ConnectionModule, body.mode);
    if (body.interval_minutes !== undefined) {
      const minutes = body.interval_minutes === 'off' ? 0 : body.interval_minutes;
      connection = await this.connections.setModuleInterval(id, module as ConnectionModule, minutes);
    }
    return toConnectionView(connection, this.schedules);
  }
}
