import { Module } from '@nestjs/common';
import { DatabaseGauges } from './database-gauges';
import { MetricsController } from './metrics.controller';
import { PushHourlyTally } from './push-hourly';

/** GET /metrics (Prometheus): the process's own counters (process-metrics.ts) and the gauges read from the database; push_hourly, the pushes per CPO and hour that the console shows. */
@Module({ controllers: [MetricsController], providers: [DatabaseGauges, PushHourlyTally], exports: [PushHourlyTally] })
export class MetricsModule {}
