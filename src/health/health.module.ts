import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { Readiness } from './readiness';

/** GET /health (/health/live) and /health/ready; the job queue comes from the global JobQueueModule. */
@Module({ imports: [TerminusModule], controllers: [HealthController], providers: [Readiness] })
export class HealthModule {}
