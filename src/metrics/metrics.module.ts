import { Module } from '@nestjs/common';
import { DatabaseGauges } from './database-gauges';
import { MetricsController } from './metrics.controller';

/** GET /metrics (Prometheus): the process's own counters (process-metrics.ts) and the gauges read from the database. */
@Module({ controllers: [MetricsController], providers: [DatabaseGauges] })
export class MetricsModule {}
