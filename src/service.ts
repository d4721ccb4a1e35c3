import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppModule, AppOptions } from './app.module';
import { FastPathValidationPipe, VALIDATION_OPTIONS } from './common/validation/fast-path-validation.pipe';
import { AppConfig } from './config/app-config';
import { Environment } from './config/env.validation';
import { EmbeddedPostgres, startEmbeddedPostgres } from './database/embedded-postgres';
import { migrateDatabase } from './database/migrate';
import { requestIdOf } from './logging/logger-options';
import { timeAuthorizations } from './metrics/authorization-timing';
import { countPushes } from './metrics/push-counting';
import { PushHourlyTally } from './metrics/push-hourly';
import { answerClientError, answerFrameworkErrors, MAX_PATH_SEGMENT } from './ocpi/server/framework-errors';
import { keepUnparseableJsonBodies } from './ocpi/server/json-body-parser';
import { acceptCsvBodies } from './common/http/csv-body-parser';
import { acceptFormBodies } from './common/http/form-body-parser';
import { installLeanAsyncResourceBind } from './common/http/async-resource-bind';
import { addOnSendHookPerRoute } from './common/http/route-hooks';
import { setHeapGrowingPercent } from './common/runtime/heap-growth';
import { messageIdHeadersHook } from './ocpi/server/message-id-headers';
import { limitRequestsPerPartner } from './ocpi/server/partner-rate-limit';
import { AUTHORIZE_ROUTE } from './ocpi/server/senders/authorize-route';
import { ProtocolExceptionFilter } from './ocpi/server/protocol-exception.filter';

/** How long a stop waits for requests in flight before it closes their connections. */
const SHUTDOWN_GRACE_MS = 5_000;

/** A running service. */
export interface RunningService {
  app: NestFastifyApplication;
  /** Base URL it listens on, e.g. http://127.0.0.1:3000. */
  url: string;
  config: AppConfig;
  /** How long each step of the start took, in order (ms, wall clock): where a slow start spends its time. */
  startup: StartupStep[];
  /** Closes the HTTP server, the database pool and, if embedded, the database. */
  stop(): Promise<void>;
}

/** How to start the service, besides what the application modules take (AppOptions). */
export interface StartOptions extends AppOptions {
  /**
   * The embedded database was made, just now, from a template migrated with exactly this build's migrations (a copy,
   * copyMigratedTemplate, or its dump, migratedTemplateDump; the key hashes every migration file): looking for pending
   * migrations would only open a second pool to find none, so it is skipped, and the application's modules are created
   * while the database starts. Ignored with DATABASE_URL (a server is always checked).
   */
  freshFromMigratedTemplate?: boolean;
  /**
   * An embedded database already being started by the caller (the demo starts it in a worker thread while its CPO
   * simulators start), used instead of starting one in PGLITE_DATA_DIR; stopped by stop(), or should the start fail.
   * Ignored with DATABASE_URL.
   */
  embeddedDatabase?: Promise<EmbeddedPostgres>;
}

/** One step of the service's start and its wall-clock duration in milliseconds. */
export interface StartupStep {
  step: string;
  ms: number;
}

/**
 * Starts the service: the database (DATABASE_URL, or an embedded PGlite in PGLITE_DATA_DIR), migrations,
 * then the HTTP server with the OCPI endpoints, the internal and operations APIs and the OpenAPI document
 * (/api/docs, JSON at /api/docs-json).
 */
export async function startService(env: Environment, { freshFromMigratedTemplate = false, embeddedDatabase, ...options }: StartOptions = {}): Promise<RunningService> {
  // Fastify binds an AsyncResource per request with a body; Node 20's bind made each such request's objects outlive
  // young-generation collections (see installLeanAsyncResourceBind).
  installLeanAsyncResourceBind();
  // Full collections before the old generation doubles or more: the RSS of a large pull (see setHeapGrowingPercent).
  setHeapGrowingPercent(env.HEAP_GROWING_PERCENT);
  const startup: StartupStep[] = [];
  let since = performance.now();
  const stepDone = (step: string) => {
    const now = performance.now();
    startup.push({ step, ms: Math.round(now - since) });
    since = now;
  };
  const starting = env.DATABASE_URL ? null : (embeddedDatabase ?? startEmbeddedPostgres({ dataDir: env.PGLITE_DATA_DIR }));
  // A fresh copy of the migrated template has no migrations to run: the application's modules are created while the
  // embedded database starts, and only what needs the database (TypeORM, the job queue) waits for its URL.
  const overlapped = starting !== null && freshFromMigratedTemplate;
  let embedded: EmbeddedPostgres | null = null;
  try {
    let databaseUrl: string | Promise<string>;
    if (overlapped) {
      databaseUrl = starting.then((started) => (embedded = started).url);
    } else if (starting) {
      embedded = await starting;
      stepDone('embedded database');
      databaseUrl = embedded.url;
      await migrateDatabase(databaseUrl, { exclusive: false });
      stepDone('migrations');
    } else {
      databaseUrl = env.DATABASE_URL!;
      await migrateDatabase(databaseUrl, { exclusive: true });
      stepDone('migrations');
    }
    const config = new AppConfig(env);
    // The router's own errors are answered by our global filter, which exists only once the application does.
    const late: { filter?: ProtocolExceptionFilter } = {};
    const adapter = new FastifyAdapter({
      // Every request body (a push to a Receiver interface is one object): larger ones get 413 before being read whole.
      bodyLimit: env.OCPI_MAX_BODY_BYTES,
      // Router options under routerOptions (Fastify 5 warns FSTDEP022 for them at the top level).
      routerOptions: { maxParamLength: MAX_PATH_SEGMENT },
      // The request id of the log lines: the caller's X-Request-ID, else a UUID (see requestIdOf).
      genReqId: requestIdOf,
      frameworkErrors: answerFrameworkErrors(() => late.filter),
      clientErrorHandler: answerClientError,
    });
    const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, databaseUrl, options), adapter, {
      bufferLogs: true,
      // Fastify's own JSON parser, wrapped by keepUnparseableJsonBodies below; besides, only text/csv (acceptCsvBodies).
      bodyParser: false,
    });
    stepDone(overlapped ? 'embedded database (fresh from the current template: no migrations to look for) and application modules, side by side' : 'application modules');
    app.useLogger(app.get(Logger));
    app.useGlobalPipes(new FastPathValidationPipe(VALIDATION_OPTIONS));
    const fastify = app.getHttpAdapter().getInstance();
    // Before any route, guard or filter, so error answers carry the message ids too.
    fastify.addHook('onRequest', messageIdHeadersHook);
    // As the answer leaves: every answer to a real-time authorization in authorization_latency_seconds; on every other
    // route, every push of a CPO, whatever became of it, in ocpi_pushes_received_total. Hooks of their routes, so that
    // neither tells the routes apart on every answer.
    const pushCounting = countPushes(app.get(PushHourlyTally));
    addOnSendHookPerRoute(fastify, (route) => (route.url === AUTHORIZE_ROUTE && route.method === 'POST' ? timeAuthorizations : pushCounting));
    // A stop gives requests in flight SHUTDOWN_GRACE_MS to finish, then closes every connection still open: a
    // keep-alive connection a client left half-used (a reply sent before its body was read) would otherwise hold the
    // close until Fastify's keepAliveTimeout (72 s).
    fastify.addHook('preClose', (done) => {
      setTimeout(() => fastify.server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
      done();
    });
    keepUnparseableJsonBodies(fastify);
    acceptCsvBodies(fastify);
    // The console's HTML forms (under /console/ only).
    acceptFormBodies(fastify, '/console/');
    await limitRequestsPerPartner(fastify, env.OCPI_RATE_LIMIT_PER_MINUTE);
    const protocolFilter = app.get(ProtocolExceptionFilter);
    late.filter = protocolFilter;
    app.useGlobalFilters(protocolFilter);
    // No enableShutdownHooks(): whoever starts the service (main.ts, the demo) handles SIGINT / SIGTERM and calls
    // stop() once; Nest's own signal handler would close the app a second time ("Called end on pool more than once").
    SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, openApiDocument()));
    stepDone('HTTP set-up');
    await app.listen(env.PORT, env.HOST);
    stepDone('init hooks and listen');
    const address = app.getHttpServer().address();
    const port = typeof address === 'object' && address ? address.port : env.PORT;
    const url = `http://${env.HOST}:${port}`;
    // With PORT=0 the public URL is only known now; AppConfig reads env on every use, so this reaches everyone.
    if (!env.PUBLIC_URL) env.PUBLIC_URL = url;
    return {
      app,
      url,
      config,
      startup,
      async stop() {
        await app.close();
        await embedded?.stop();
      },
    };
  } catch (error) {
    // An embedded database still starting is stopped once started (one that failed to start has nothing to stop).
    await (embedded ?? (await starting?.catch(() => null)))?.stop();
    throw error;
  }
}

function openApiDocument() {
  return new DocumentBuilder()
    .setTitle('eMSP OCPI aggregator: internal API')
    .setDescription(
      'Chargers, availability and prices for the mobile-app backend; CPO connections and errors for operations; CDRs and their recomputed cost for finance. Authenticate with the X-API-Key header (each client its own key).',
    )
    .setVersion('1')
    .addApiKey({ type: 'apiKey', name: 'X-API-Key', in: 'header' }, 'api-key')
    .build();
}
