import { DynamicModule, Module, Type } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { CallLogModule } from './call-log/call-log.module';
import { AppConfig } from './config/app-config';
import { ConfigurationModule } from './config/configuration.module';
import { ConnectionDirectory } from './connections/connection-directory';
import { ConnectionsModule } from './connections/connections.module';
import { ConsoleModule } from './console/console.module';
import { CpoCircuitModule } from './connections/cpo-circuit.module';
import { databaseOptions } from './database/database-options';
import { ENTITIES } from './entities';
import { FinanceModule } from './finance/finance.module';
import { HealthModule } from './health/health.module';
import { InvoiceReconciliationModule } from './invoice-reconciliation/invoice-reconciliation.module';
import type { JobQueueStart } from './jobs/job-queue';
import { JobQueueModule } from './jobs/job-queue.module';
import { CpoLogContextInterceptor } from './logging/cpo-log-context.interceptor';
import { loggerOptions } from './logging/logger-options';
import { LocationsModule } from './locations/locations.module';
import { MetricsModule } from './metrics/metrics.module';
import { OcpiEndpointsModule } from './ocpi/server/ocpi-endpoints.module';
import { OcpiServerModule } from './ocpi/server/ocpi-server.module';
import { GapHealing } from './ocpi/server/receivers/gap-healing.port';
import { OperationsModule } from './operations/operations.module';
import { SessionsModule } from './sessions/sessions.module';
import { GapHealer } from './sync/gap-healer';
import { SyncModule } from './sync/sync.module';
import { TariffsModule } from './tariffs/tariffs.module';
import { TokensModule } from './tokens/tokens.module';
import { CommandsModule } from './commands/commands.module';
import { TokenPushesModule } from './token-pushes/token-pushes.module';
import { ChargeStoryModule } from './charge-story/charge-story.module';

/** The sync domain's healer fits the receivers' GapHealing port (checked here, so neither side imports the other). */
const GAP_HEALER: Type<GapHealing> = GapHealer;

/**
 * The receivers' GapHealing port, bound to the sync domain's healer for every module (global: the receivers live in
 * OcpiEndpointsModule, which imports nothing of sync).
 */
@Module({})
class GapHealingBinding {
  static forRoot(): DynamicModule {
    return {
      module: GapHealingBinding,
      global: true,
      imports: [SyncModule],
      providers: [{ provide: GapHealing, useExisting: GAP_HEALER }],
      exports: [GapHealing],
    };
  }
}

/** What the starter of the service may choose besides the settings. */
export interface AppOptions {
  /** Where the JSON log lines go (default stdout), e.g. a stream a test reads. */
  logDestination?: DestinationStream;
  /** Queues whose workers and schedules start only later (JobQueueStart; the demo's); by default all at once. */
  jobQueueStart?: JobQueueStart;
}

/**
 * The whole service, for a validated configuration and a PostgreSQL URL (real or embedded). The URL may still be coming
 * (an embedded database starting beside the application's creation): only what needs the database waits for it.
 */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, databaseUrl: string | Promise<string>, options: AppOptions = {}): DynamicModule {
    return {
      module: AppModule,
      providers: [{ provide: APP_INTERCEPTOR, useClass: CpoLogContextInterceptor }],
      imports: [
        ConfigurationModule.forRoot(config),
        // This instance's own timers (the sweep request); everything scheduled across instances is a pg-boss job.
        ScheduleModule.forRoot(),
        // JSON lines with the request id and, for a CPO's request, its connection and party; tokens never logged.
        LoggerModule.forRoot(loggerOptions(config.env.LOG_LEVEL, options.logDestination)),
        TypeOrmModule.forRootAsync({ useFactory: async () => databaseOptions(await databaseUrl, { entities: ENTITIES }) }),
        // All background work, on the same database (pg-boss, schema pgboss).
        JobQueueModule.forRoot(databaseUrl, options.jobQueueStart ?? null),
        HealthModule,
        MetricsModule,
        CallLogModule,
        CpoCircuitModule,
        ConnectionsModule,
        // The OCPI server side finds the calling CPO through the connections domain's directory (its partner port).
        OcpiServerModule.forRoot({ imports: [ConnectionsModule], partners: ConnectionDirectory }),
        OcpiEndpointsModule,
        LocationsModule,
        TariffsModule,
        SessionsModule,
        TokensModule,
        CommandsModule,
        TokenPushesModule,
        FinanceModule,
        InvoiceReconciliationModule,
        SyncModule,
        // A change to an object we do not hold (receivers) is healed by a fetch from the CPO (sync).
        GapHealingBinding.forRoot(),
        OperationsModule,
        // The operations console: web pages under /console over the same services as the operations API.
        ConsoleModule,
        ChargeStoryModule,
      ],
    };
  }
}
