import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Registry } from 'prom-client';
import { DatabaseGauges } from './database-gauges';
import { processMetrics } from './process-metrics';

/**
 * Prometheus metrics in the text exposition format (version 0.0.4). Unauthenticated, as /health: meant for the internal
 * network, where Prometheus scrapes each instance; route only /ocpi and /api to the outside (see README, Observability).
 */
@ApiTags('health')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly gauges: DatabaseGauges) {}

  /** GET /metrics: this instance's counters and histograms, Node's process metrics, and the gauges read from the database. */
  @Get()
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  @ApiOperation({ summary: 'Prometheus metrics (text format): OCPI calls, pushes, pulls, sync lag, job queue depth, authorization latency' })
  @ApiOkResponse({ description: 'text/plain; version=0.0.4', content: { 'text/plain': { schema: { type: 'string' } } } })
  async metrics(): Promise<string> {
    const [own, database] = await Promise.all([processMetrics.metrics(), this.gauges.registry.metrics()]);
    return `${own}\n${database}`;
  }
}
