import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { ConnectionsService, CpoSession } from '../connections/connections.service';
import { SenderPages } from '../connections/sender-pages';
import { HubClientInfoStore } from '../hubs/hub-client-info.store';
import { fileRejections, Rejection } from '../intake/rejected-objects';
import { OcpiCallError } from '../ocpi/client/ocpi-call.error';

/** What one pull of a Hub's ClientInfo list did; `error` says why it stopped, when it did (nothing forgotten then). */
export interface ClientInfoPullOutcome {
  received: number;
  /** New parties, and newer copies of parties we held. */
  stored: number;
  rejected: number;
  /** Parties we held that the Hub's full list no longer names ("no longer valid"). */
  forgotten: number;
  error: string | null;
}

/**
 * Pulls a Hub's ClientInfo list from its hubclientinfo Sender interface (mod_hub_client_info 2.2.1 / 2.3.0 §Sender
 * Interface, §Pull model: "at the start-up of their system" and when unsure), at registration and on the module's own
 * schedule (module hubclientinfo, a sync run like any other module's: see SyncService), through the one transport
 * (token encodings, pagination, call log). The whole list every time
 * (it is small, and only a full list says who left): a party we held that it no longer names is "considered as no
 * longer valid" and forgotten, unless the Hub pushed it to us meanwhile. Hubclientinfo is a configuration module:
 * no routing headers (transport_and_format §Message Routing Headers). An invalid ClientInfo is filed in
 * rejected_object (module hubclientinfo) and the others are taken.
 */
@Injectable()
export class HubClientInfoPull {
  private readonly logger = new Logger(HubClientInfoPull.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly connections: ConnectionsService,
    private readonly senderPages: SenderPages,
    private readonly clientInfo: HubClientInfoStore,
    private readonly config: AppConfig,
  ) {}

  /**
   * Pulls the list when `connectionId` is a registered Hub (a credentials role HUB) on a version with the module whose
   * endpoints list a hubclientinfo SENDER interface (at registration). @returns null when there is nothing to pull;
   * never throws (`error` says why it stopped).
   */
  async refresh(connectionId: string, signal?: AbortSignal): Promise<ClientInfoPullOutcome | null> {
    try {
      const session = await this.connections.session(connectionId).catch(() => null);
      if (!session || whyNoClientInfo(session) !== null) return null;
      return await this.pull(session, signal);
    } catch (error) {
      const message = error instanceof OcpiCallError ? `${error.kind} at ${error.details.method} ${error.details.url}: ${error.explanation}` : (error as Error).message;
      this.logger.warn({ connectionId }, `Pulling the Hub's ClientInfo list failed: ${message}`);
      return { received: 0, stored: 0, rejected: 0, forgotten: 0, error: message };
    }
  }

  /**
   * Pulls the whole list of the Hub of `session` (see {@link whyNoClientInfo} for when there is one), page by page:
   * each valid ClientInfo stored, the invalid ones filed; then the parties the list no longer names forgotten.
   * `onPage` sees the outcome so far after each page (a run's counts). @throws OcpiCallError (or a database error): then
   * nothing is forgotten, what was stored stays.
   */
  async pull(session: CpoSession, signal?: AbortSignal, onPage?: (soFar: ClientInfoPullOutcome, pages: number) => Promise<void>): Promise<ClientInfoPullOutcome> {
    const why = whyNoClientInfo(session);
    if (why !== null) throw new Error(why);
    const wire = session.adapter.hubClientInfo!;
    const connectionId = session.connection.id;
    const outcome: ClientInfoPullOutcome = { received: 0, stored: 0, rejected: 0, forgotten: 0, error: null };
    const started = new Date();
    const seen: Array<{ country_code: string; party_id: string; role: string }> = [];
    const pages = this.senderPages.pages(
      session,
      'hubclientinfo',
      { limit: this.config.env.OCPI_PAGE_LIMIT },
      {
        routeTo: null,
        context: { connectionId, module: 'hubclientinfo', correlationId: randomUUID() },
        signal,
      },
    );
    let taken = 0;
    for await (const page of pages) {
      const rejections: Rejection[] = [];
      for (const raw of page.items) {
        outcome.received += 1;
        const mapped = wire.map(raw);
        if (!mapped.ok) {
          rejections.push({ raw, reason: `Invalid ClientInfo: ${mapped.reason}`, identity: mapped.identity });
          continue;
        }
        seen.push(mapped.value);
        if ((await this.clientInfo.put(connectionId, mapped.value, raw)) !== 'KEPT') outcome.stored += 1;
      }
      outcome.rejected += rejections.length;
      await fileRejections(this.db, { connectionId, syncRunId: null, module: 'hubclientinfo', ocpiVersion: session.adapter.version }, rejections);
      taken += 1;
      await onPage?.(outcome, taken);
    }
    outcome.forgotten = await this.clientInfo.forgetUnlisted(connectionId, seen, started);
    this.logger.log({ connectionId, ...outcome }, "Pulled the Hub's ClientInfo list");
    return outcome;
  }
}

/**
 * Why the connection of `session` has no ClientInfo list to pull (no party with the credentials role HUB, a version
 * without mod_hub_client_info, no hubclientinfo SENDER interface listed), or null when it has one.
 */
export function whyNoClientInfo(session: Pick<CpoSession, 'adapter' | 'connection'>): string | null {
  if (!session.connection.parties.some((p) => p.role === 'HUB')) return 'the connection is no Hub (no party with the role HUB): it has no ClientInfo list';
  if (!session.adapter.hubClientInfo) return `OCPI ${session.adapter.version} has no hubclientinfo module`;
  if (!session.adapter.senderUrl(session.connection.theirEndpoints, 'hubclientinfo')) return "the Hub's endpoints list no hubclientinfo SENDER interface";
  return null;
}
