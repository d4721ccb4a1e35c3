import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { ConnectionsService, CpoSession } from '../connections/connections.service';
import { SenderPages } from '../connections/sender-pages';
import { ChangedModuleId } from '../intake/intake-modules';
import { IntakeSource } from '../intake/intake-source';
import { IntakeService } from '../intake/intake.service';
import { ObjectPath } from '../intake/pushed-change';
import { JobContext, JobQueue } from '../jobs/job-queue';
import { defineQueue } from '../jobs/queue-definition';
import { OcpiCallError } from '../ocpi/client/ocpi-call.error';
import { OcpiClient, OcpiParty } from '../ocpi/client/ocpi-client';
import { OCPI_CALL_RECORDER, OcpiCallRecorder } from '../ocpi/wire/ocpi-call-recorder';
import { OcpiStatus } from '../ocpi/wire/ocpi-status';
import { hubOf } from './hub-routing';

/** One fetch to heal a gap: the object (Location, Tariff or Session) a CPO changed while we did not hold it. */
export interface HealGapJob {
  connectionId: string;
  module: ChangedModuleId;
  /** The object's own path (for Locations the Location, whichever EVSE or Connector the change named). */
  path: { country_code: string; party_id: string; id: string };
}

/**
 * The queue of healing fetches. `short`: while one fetch of an object waits, more changes to it add nothing (a CPO
 * PATCHing the EVSEs of a new Location one by one causes one fetch). Retried 4 times, 10–20 s, 20–40 s, 40–80 s and
 * 80–160 s after a failed attempt (pg-boss backoff with jitter), then given up (each failed call is in the call log).
 * An attempt is a few calls at most, each bounded by the transport's deadlines: 5 minutes is far beyond that.
 */
export const HEAL_GAP_QUEUE = defineQueue<HealGapJob>({
  name: 'heal-gap',
  policy: 'short',
  retryLimit: 4,
  retryDelaySeconds: 10,
  retryBackoff: true,
  expireInSeconds: 300,
});

/**
 * Tariffs and Sessions have no GET of one object at the Sender (mod_tariffs 2.2.1 §Sender Interface, mod_sessions
 * 2.2.1 §Sender Interface: GET list with date_from / date_to): the healing fetch asks for what changed since this long
 * before the change was refused. A CPO sends a change as it happens, so the object it changed is in that window.
 */
const HEAL_WINDOW_MS = 15 * 60_000;

/** The closed set of what became of one healing fetch. */
type HealOutcome = 'HEALED' | 'ALREADY_HELD' | 'UNKNOWN_AT_CPO' | 'NO_SENDER';

/**
 * Heals the gaps the Receiver interfaces find (the GapHealing port of ocpi/server, bound by the composition root): a
 * change to an object we do not hold becomes one background job on the job queue, which GETs the object from the
 * CPO's Sender interface and takes it in through the intake step as a pulled object ("In case a PATCH request fails,
 * the client is expected to call the GET method", transport_and_format 2.2.1 §PATCH). Locations: GET Object
 * `{locations_endpoint_url}/{location_id}` (mod_locations 2.2.1 §Sender Interface, GET Object; 2.1.1 §2.1 CPO
 * Interface and 2.3.0 alike). Tariffs and Sessions: the Sender's list of what changed in a short window
 * (HEAL_WINDOW_MS). A CPO without that Sender interface (one that only pushes) cannot be asked: that is logged and
 * written to the call log (kind NOT_CALLED) for operations, and the gap stays until the CPO PUTs the whole object.
 */
@Injectable()
export class GapHealer implements OnModuleInit {
  private readonly logger = new Logger(GapHealer.name);

  constructor(
    private readonly jobs: JobQueue,
    private readonly connections: ConnectionsService,
    private readonly senderPages: SenderPages,
    private readonly client: OcpiClient,
    private readonly intake: IntakeService,
    private readonly config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
    @Inject(OCPI_CALL_RECORDER) private readonly callLog: OcpiCallRecorder,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.jobs.work(HEAL_GAP_QUEUE, (job, context) => this.heal(job, context));
  }

  /**
   * Schedules one fetch of the object at `path` (for Locations: of the whole Location) from connection `connectionId`;
   * while one waits for the same object, nothing more is scheduled. Never throws: a failure to schedule is logged.
   */
  async requestFetch(connectionId: string, module: ChangedModuleId, path: ObjectPath): Promise<void> {
    const job: HealGapJob = { connectionId, module, path: { country_code: path.country_code, party_id: path.party_id, id: path.id } };
    try {
      await this.jobs.send(HEAL_GAP_QUEUE, job, { singletonKey: [connectionId, module, path.country_code, path.party_id, path.id].join('/') });
    } catch (error) {
      this.logger.warn({ connectionId, module }, `Could not schedule the fetch of ${describe(job)}: ${(error as Error).message}`);
    }
  }

  /** One attempt. @throws OcpiCallError or Error when it should be tried again (the CPO or the database failed). */
  private async heal(job: HealGapJob, context: JobContext): Promise<void> {
    const session = await this.connections.session(job.connectionId);
    const outcome = await this.fetch(session, job, context);
    this.logger.log({ connectionId: job.connectionId, module: job.module, attempt: context.retryCount + 1, outcome }, `Healing fetch of ${describe(job)}: ${outcome}`);
  }

  private async fetch(session: CpoSession, job: HealGapJob, context: JobContext): Promise<HealOutcome> {
    const url = session.adapter.senderUrl(session.connection.theirEndpoints, job.module);
    if (!url) {
      await this.recordNoSender(session, job);
      return 'NO_SENDER';
    }
    switch (job.module) {
      case 'locations':
        return this.fetchLocation(session, url, job, context);
      case 'tariffs':
      case 'sessions':
        return this.fetchWindow(session, job, context);
    }
  }

  /** GET Object of the Location, taken in as pulled. A 404 / 2003 answer is final: the CPO does not know it (any more). */
  private async fetchLocation(session: CpoSession, url: string, job: HealGapJob, context: JobContext): Promise<HealOutcome> {
    // Stored (by a PUT, a pull or an earlier fetch) since this fetch was asked for: the gap has healed already.
    if (await this.storedSince(job, context.createdOn)) return 'ALREADY_HELD';
    const { connection, adapter } = session;
    let reply;
    try {
      reply = await this.client.request({
        method: 'get',
        url: `${url.replace(/\/+$/, '')}/${encodeURIComponent(job.path.id)}`,
        token: session.token,
        encoding: session.encoding,
        transport: adapter.transport,
        // Through a Hub, a GET of one object is addressed to the party that owns it (transport_and_format 2.2.1 §Message Routing).
        routeTo: isHub(connection.parties) ? ownerOf(job) : null,
        context: { connectionId: connection.id, module: 'locations' },
        signal: context.signal,
      });
    } catch (error) {
      if (error instanceof OcpiCallError && (error.details.httpStatus === 404 || error.details.ocpiStatus === OcpiStatus.UNKNOWN_LOCATION)) return 'UNKNOWN_AT_CPO';
      throw error;
    }
    await this.intake.take(this.sourceOf(session), 'locations', [reply.data], reply.deviations);
    return 'HEALED';
  }

  /** The Sender's list of what changed since HEAL_WINDOW_MS before the change was refused, every page taken in as pulled. */
  private async fetchWindow(session: CpoSession, job: HealGapJob, context: JobContext): Promise<HealOutcome> {
    const params = { limit: this.config.env.OCPI_PAGE_LIMIT, date_from: new Date(context.createdOn.getTime() - HEAL_WINDOW_MS).toISOString() };
    const pages = this.senderPages.pages(session, job.module, params, {
      routeTo: hubOf(session.connection.parties),
      context: { connectionId: job.connectionId, module: job.module, correlationId: randomUUID() },
      signal: context.signal,
    });
    const source = this.sourceOf(session);
    for await (const page of pages) await this.intake.take(source, job.module, page.items, page.deviations);
    return 'HEALED';
  }

  private sourceOf({ connection, adapter }: CpoSession): IntakeSource {
    return { connectionId: connection.id, channel: 'PULL', adapter, agreedVersion: connection.ocpiVersion, parties: connection.parties, syncRunId: null };
  }

  /** Whether the Location is held from this connection, written at or after `since`. */
  private async storedSince(job: HealGapJob, since: Date): Promise<boolean> {
    const rows: unknown[] = await this.db.query(`SELECT 1 FROM location WHERE connection_id = $1 AND country_code = $2 AND party_id = $3 AND ocpi_id = $4 AND stored_at >= $5`, [
      job.connectionId,
      job.path.country_code,
      job.path.party_id,
      job.path.id,
      since,
    ]);
    return rows.length > 0;
  }

  /** A CPO with no Sender interface for the module: nothing to ask. Logged and call-logged; the job is not retried. */
  private async recordNoSender({ connection, adapter }: CpoSession, job: HealGapJob): Promise<void> {
    const explanation =
      `Could not fetch ${describe(job)} after a change to it that we could not apply (we do not hold it): the CPO's ${adapter.version} endpoints list no ` +
      `${job.module} SENDER interface, so nothing can be asked; the gap stays until the CPO PUTs the whole object`;
    this.logger.warn({ connectionId: connection.id, module: job.module }, explanation);
    await this.callLog.record({
      direction: 'OUTGOING',
      connectionId: connection.id,
      module: job.module,
      method: 'GET',
      // Where we looked for the Sender interface: the CPO's versions (and, from them, its endpoints).
      url: connection.theirVersionsUrl ?? '',
      kind: 'NOT_CALLED',
      httpStatus: null,
      ocpiStatus: null,
      durationMs: null,
      requestId: null,
      correlationId: null,
      requestBody: null,
      responseBody: null,
      explanation,
    });
  }
}

const NOUN: Record<ChangedModuleId, string> = { locations: 'Location', tariffs: 'Tariff', sessions: 'Session' };

function describe(job: HealGapJob): string {
  return `${NOUN[job.module]} ${job.path.country_code}/${job.path.party_id}/${job.path.id}`;
}

function isHub(parties: ReadonlyArray<{ role: string }>): boolean {
  return parties.some((p) => p.role === 'HUB');
}

function ownerOf(job: HealGapJob): OcpiParty {
  return { countryCode: job.path.country_code, partyId: job.path.party_id };
}
