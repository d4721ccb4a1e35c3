import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import { Readiness } from './readiness';

/** Liveness and readiness for load balancers and orchestrators (no API key: they reveal nothing). */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly readiness: Readiness,
  ) {}

  /**
   * GET /health and GET /health/live: liveness. 200 `{ status: "ok" }` while the process answers HTTP; touches no
   * database, so an outage of the database does not get the instance restarted (readiness takes it out of rotation).
   */
  @Get(['', 'live'])
  @ApiOperation({ summary: 'Liveness: the process answers (no database check)' })
  @ApiOkResponse({ description: '{ "status": "ok", "info": {}, "error": {}, "details": {} }' })
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  /**
   * GET /health/ready: readiness. 200 when the database answers `SELECT 1` and the job queue (pg-boss) reads its schema
   * version, each within 2 s; 503 otherwise, `error` naming the part that failed (`database`, `job_queue`) with its
   * message, e.g. `{ "status": "error", "error": { "database": { "status": "down", "message": "…" } }, … }`.
   */
  @Get('ready')
  @ApiOperation({ summary: 'Readiness: database and job queue reachable' })
  @ApiOkResponse({ description: '{ "status": "ok", "info": { "database": { "status": "up" }, "job_queue": { "status": "up", "schema_version": 24 } } }' })
  @ApiServiceUnavailableResponse({ description: 'A part is down: `error.database` and/or `error.job_queue` say which, with a message.' })
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check([() => this.readiness.database(), () => this.readiness.jobQueue()]);
  }
}
