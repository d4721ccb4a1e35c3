import { BadRequestException, Body, Controller, Get, HttpCode, HttpStatus, NotFoundException, Param, ParseUUIDPipe, Post, Query, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { OperationsApiKeyGuard } from '../common/auth/api-key.guard';
import { HeldClientInfo, HubClientInfoStore } from '../hubs/hub-client-info.store';
import { HubClientInfoPull } from '../sync/hub-client-info.pull';
import { StartedRun, SyncService } from '../sync/sync.service';
import { ConnectionsService } from '../connections/connections.service';
import { ConnectionView, toConnectionView } from '../connections/connection.view';
import { AppConfig } from '../config/app-config';
import { ScheduleSettings, scheduleSettingsOf } from '../connections/module-modes';
import { RegisterConnectionDto } from '../connections/dto/register-connection.dto';
import { listRejections } from '../intake/rejected-objects';
import { listDeviations, WireDeviationView } from '../call-log/wire-deviation.store';
import { CredentialsSenderService } from '../connections/credentials-sender.service';
import { registrationHttpError } from './registration-http-error';
import { SyncNowQueryDto } from './sync-now-query.dto';
import { ConnectionSummary, ConnectionSummaryService } from './connection-summary.service';

/** The modules whose objects can be rejected (pulled or pushed; hubclientinfo: a Hub's ClientInfo). */
const REJECTING_MODULES = ['locations', 'tariffs', 'sessions', 'cdrs', 'hubclientinfo'] as const;

/** What POST {id}/sync answers (HTTP 202): per module, in pull order, the run to follow or why there is none. */
export interface SyncStarted {
  connection_id: string;
  /** `href`: GET it until `status` is no longer RUNNING (null for a SKIPPED module). */
  runs: Array<StartedRun & { href: string | null }>;
  /** When nothing is pulled (every module SKIPPED: received only, no Sender interface, or pulls paused): why; else null. */
  message: string | null;
}

/** Operations API: connect CPOs, pull now, and see what went wrong with which CPO. */
@ApiTags('operations')
@ApiHeader({ name: 'X-API-Key', description: 'OPERATIONS_API_KEY', required: true })
@Controller('api/v1/operations/connections')
@UseGuards(OperationsApiKeyGuard)
export class OperationsController {
  /** The default intervals the connections' schedules show. */
  private readonly schedules: ScheduleSettings;

  constructor(
    config: AppConfig,
    private readonly connections: ConnectionsService,
    private readonly sender: CredentialsSenderService,
    private readonly sync: SyncService,
    @InjectDataSource() private readonly db: DataSource,
    private readonly hubClients: HubClientInfoPull,
    private readonly clientInfo: HubClientInfoStore,
    private readonly summaries: ConnectionSummaryService,
  ) {
    this.schedules = scheduleSettingsOf(config.env);
  }

  /**
   * POST: registers with a CPO from its versions URL and token A (credentials §Registration, eMSP-initiated).
   * 201 with the REGISTERED connection (parties it claimed that are ours or another live connection's are refused:
   * see its `refused_parties` and `needs_attention`); 502 when the CPO could not be registered (the connection stays
   * as FAILED). Errors carry { statusCode, error: RegistrationFailure, message, connection_id }. A Hub's ClientInfo list
   * is pulled before the answer (mod_hub_client_info §Pull model); its failure does not fail the registration (see GET
   * {id}/hub-clients).
   */
  @Post()
  @ApiOperation({ summary: 'Register with a CPO (eMSP-initiated credentials handshake)' })
  async register(@Body() body: RegisterConnectionDto): Promise<ConnectionView> {
    const connection = await this.sender.register(body.name, body.versions_url, body.token_a).catch((error: unknown) => {
      throw registrationHttpError(error);
    });
    await this.hubClients.refresh(connection.id);
    return toConnectionView(connection, this.schedules);
  }

  /**
   * GET {id}/hub-clients: the parties a Hub connection announced (mod_hub_client_info §ClientInfo Object), each with
   * its role, status (CONNECTED, OFFLINE, PLANNED, SUSPENDED: pushes through the Hub are taken for every status but
   * SUSPENDED), the Hub's last_updated and when we took it. Empty for a connection that is no Hub; 404 for an unknown one.
   */
  @Get(':id/hub-clients')
  @ApiOperation({ summary: 'The parties a Hub connection announced, with their connection status' })
  async hubClientList(@Param('id', new ParseUUIDPipe()) id: string): Promise<Array<Omit<HeldClientInfo, 'raw'>>> {
    await this.connections.get(id);
    return (await this.clientInfo.list(id)).map(({ raw: _raw, ...info }) => info);
  }

  /** GET {id}: one connection with its status, parties, endpoints, module modes, circuit breaker and last error; 404 for an unknown one. */
  @Get(':id')
  @ApiOperation({ summary: 'One CPO connection, with its circuit breaker' })
  async one(@Param('id', new ParseUUIDPipe()) id: string): Promise<ConnectionView> {
    return toConnectionView(await this.connections.get(id), this.schedules);
  }

  /** GET: every connection with its status, parties, endpoints and last error. */
  @Get()
  @ApiOperation({ summary: 'List CPO connections' })
  async list(): Promise<ConnectionView[]> {
    return (await this.connections.list()).map((connection) => toConnectionView(connection, this.schedules));
  }

  /**
   * POST {id}/sync[?full=true][&module=][&date_from=&date_to=]: starts pulling tariffs, then locations, then sessions,
   * then CDRs (or only `module`) from this CPO and answers at once,
   * HTTP 202, without waiting for the CPO: per module the RUNNING run to follow (`run_id`, `href` of
   * GET {id}/sync-runs/{runId}), or SKIPPED with the reason (another pull of that module from this CPO is under way,
   * on this instance or another; the module is received only, or its Sender interface not listed; pulls paused while
   * the connection needs attention). When no module is pulled, every run is SKIPPED and `message` says why (still 202:
   * nothing failed, there is simply nothing to pull). `date_from` (and `date_to`) read a window again, e.g. a period a
   * CPO says it corrected: sent to the CPO as given, the incremental starting point left where it was, nothing marked
   * absent. 400 naming the parameter: an unknown module, a malformed date, `date_to` without `date_from` or before it,
   * a window with `full=true`. 404 for an unknown connection.
   */
  @Post(':id/sync')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Start pulling tariffs, locations, sessions and CDRs (or one module, or a window) from one CPO now (202 with the runs to follow)' })
  async syncNow(@Param('id', new ParseUUIDPipe()) id: string, @Query() query: SyncNowQueryDto): Promise<SyncStarted> {
    const window = syncWindow(query);
    await this.connections.get(id);
    const { runs, message } = await this.sync.start(id, { full: query.full === 'true', modules: query.module ? [query.module] : undefined, window: window ?? undefined });
    return {
      connection_id: id,
      runs: runs.map((run) => ({ ...run, href: run.run_id === null ? null : `/api/v1/operations/connections/${id}/sync-runs/${run.run_id}` })),
      message,
    };
  }

  /** GET {id}/summary: what we hold from this CPO (locations, EVSEs, connectors, tariffs, sessions, CDRs), how much of it is absent, and rejections by module. */
  @Get(':id/summary')
  @ApiOperation({ summary: 'Counts of what is stored and rejected for one CPO' })
  summary(@Param('id', new ParseUUIDPipe()) id: string): Promise<ConnectionSummary> {
    return this.summaries.summary(id);
  }

  /**
   * GET {id}/deviations[?days=30]: the tolerant-reading tally of this CPO over the last `days` days (1–366, UTC days,
   * today included): per module, kind (DATETIME_WITHOUT_TIMEZONE, NUMBER_AS_STRING, EMPTY_STRING_AS_ABSENT,
   * UNKNOWN_ENUM_VALUE, ENVELOPE_*, OTHER_VERSION_ENDPOINT …) and field path, the count and the last value seen. 400 for a bad `days`.
   */
  @Get(':id/deviations')
  @ApiOperation({ summary: 'What one CPO sends off-spec that we accept, counted per kind and field' })
  async deviations(@Param('id', new ParseUUIDPipe()) id: string, @Query('days') days?: string): Promise<WireDeviationView[]> {
    const n = days === undefined ? 30 : Number(days);
    if (!Number.isInteger(n) || n < 1 || n > 366) throw new BadRequestException('days must be an integer from 1 to 366');
    await this.connections.get(id);
    return listDeviations(this.db, id, n);
  }

  /**
   * GET {id}/sync-runs: the latest 50 pulls with their counts (objects, deviations tolerated), errors and `progress`:
   * { pages, objects, total (the CPO's X-Total-Count of the crawl under way; null when it sends none), crawl_objects,
   * rate (objects/s; null before the first page), eta_seconds (null while unknown; 0 once finished) } (SyncProgress).
   */
  @Get(':id/sync-runs')
  @ApiOperation({ summary: 'Recent sync runs of one CPO' })
  syncRuns(@Param('id', new ParseUUIDPipe()) id: string): Promise<unknown[]> {
    return this.sync.recentRuns(id, 50);
  }

  /**
   * GET {id}/sync-runs/{runId}: one pull, as in the list: status RUNNING until it has finished, then SUCCEEDED or FAILED
   * (with `error`), its counts so far, its `progress` (as in the list) and `finished_at`. 404 when this connection has
   * no such run.
   */
  @Get(':id/sync-runs/:runId')
  @ApiOperation({ summary: 'One sync run of one CPO (follow it after POST …/sync)' })
  async syncRun(@Param('id', new ParseUUIDPipe()) id: string, @Param('runId', new ParseUUIDPipe()) runId: string): Promise<unknown> {
    const run = await this.sync.oneRun(id, runId);
    if (run === null) throw new NotFoundException(`No sync run ${runId} of CPO connection ${id}`);
    return run;
  }

  /**
   * GET {id}/rejected-objects[?module=locations|tariffs|sessions|cdrs]: objects that failed validation (pulled or pushed), newest
   * first, with reason and raw payload. 400 for another module.
   */
  @Get(':id/rejected-objects')
  @ApiOperation({ summary: 'Objects from one CPO that failed validation' })
  @ApiQuery({ name: 'module', required: false, enum: REJECTING_MODULES })
  rejected(@Param('id', new ParseUUIDPipe()) id: string, @Query('module') module?: string): Promise<unknown[]> {
    if (module !== undefined && !(REJECTING_MODULES as readonly string[]).includes(module)) {
      throw new BadRequestException(`module must be one of ${REJECTING_MODULES.join(', ')}, got "${module}"`);
    }
    return listRejections(this.db, id, { module: module ?? null, limit: 200 });
  }
}

/** The window of a sync-now query, checked; null when none was asked for. @throws BadRequestException naming the parameter */
function syncWindow(query: SyncNowQueryDto): { from: Date; to: Date | null } | null {
  if (query.date_from === undefined) {
    if (query.date_to !== undefined) throw new BadRequestException('date_to needs date_from: a window has a start');
    return null;
  }
  if (query.full === 'true') throw new BadRequestException('full=true reads everything: it takes no date_from / date_to');
  const from = new Date(query.date_from);
  const to = query.date_to === undefined ? null : new Date(query.date_to);
  if (to !== null && to.getTime() <= from.getTime()) throw new BadRequestException(`date_to ${query.date_to} must be after date_from ${query.date_from}`);
  return { from, to };
}
