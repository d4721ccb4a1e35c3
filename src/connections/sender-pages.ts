import { Injectable, Logger } from '@nestjs/common';
import { otherEncoding } from '../ocpi/wire/authorization-header';
import { OcpiCallError } from '../ocpi/client/ocpi-call.error';
import { OcpiCallContext, OcpiClient, OcpiPage, OcpiParty } from '../ocpi/client/ocpi-client';
import { WalkPosition } from '../ocpi/client/page-walker';
import { SenderModule } from '../ocpi/adapter/ocpi-version-adapter';
import { ConnectionsService, CpoSession } from './connections.service';
import { CpoCaller, isUnauthorized, targetOf } from './cpo-caller';
import { CredentialsSenderService } from './credentials-sender.service';

/**
 * The pages of one module's Sender interface at a CPO, for a pull. Before the first page arrives, two things
 * are put right once each: an HTTP 401 is retried with the other token encoding (remembered on the
 * connection when it works, see CpoCaller), and an HTTP 404 re-discovers the CPO's endpoints (it may have
 * moved them: credentials §Changing endpoints for the current version) and retries at the new URL. After a
 * credentials update whose outcome is not settled, a token refused in both encodings is followed by the other token
 * the CPO may hold (CpoSession.fallbackToken); the first page settles which one it is.
 */
@Injectable()
export class SenderPages {
  private readonly logger = new Logger(SenderPages.name);

  constructor(
    private readonly client: OcpiClient,
    private readonly caller: CpoCaller,
    private readonly sender: CredentialsSenderService,
    private readonly connections: ConnectionsService,
  ) {}

  /**
   * Pages of `module`, following the CPO's pagination (OcpiClient.pages), with the version's transport rules,
   * routing headers towards `routeTo` when the CPO sits behind a hub, `context` for the call log, and `signal` to cancel.
   * `resumeFrom`: carry on a walk another instance began (its checkpoint); an HTTP 404 there is thrown as it is (the
   * caller starts the crawl over, which re-discovers the endpoints if need be).
   * @throws OcpiCallError, Error
   */
  async *pages(
    session: CpoSession,
    module: SenderModule,
    params: Record<string, string | number | undefined>,
    options: { routeTo?: OcpiParty | null; context?: OcpiCallContext; signal?: AbortSignal; resumeFrom?: WalkPosition } = {},
  ): AsyncGenerator<OcpiPage> {
    const { adapter, connection } = session;
    let url = adapter.senderUrl(connection.theirEndpoints, module);
    if (!url) throw new Error(`the CPO's ${adapter.version} endpoints list no ${module} SENDER interface`);
    const target = targetOf(connection, adapter.version, adapter.tokenEncoding, session.token, session.fallbackToken);
    let token = session.token;
    let fallback = session.fallbackToken;
    let encoding = session.encoding;
    let retried401 = false;
    let rediscovered = false;
    for (;;) {
      let started = false;
      try {
        const request = { url, token, encoding, params, transport: adapter.transport, ...options };
        for await (const page of this.client.pages(request)) {
          if (!started && (retried401 || encoding !== adapter.tokenEncoding)) await this.caller.accepted(target, encoding);
          if (!started && target.unsettled) await this.connections.theirTokenWorked(connection.id, token === session.token ? 'current' : 'fallback');
          started = true;
          yield page;
        }
        return;
      } catch (error) {
        if (started) throw error;
        if (isUnauthorized(error) && !retried401) {
          retried401 = true;
          encoding = otherEncoding(encoding);
          continue;
        }
        if (isUnauthorized(error) && fallback) {
          this.logger.log({ connectionId: connection.id, module }, 'HTTP 401 with our current token after an unsettled credentials update: trying the other one');
          [token, fallback, retried401, encoding] = [fallback, null, false, adapter.tokenEncoding];
          continue;
        }
        if (isUnauthorized(error) && target.unsettled) await this.connections.noTokenWorks(connection.id, `GET ${url}`);
        if (!rediscovered && !options.resumeFrom && error instanceof OcpiCallError && error.details.httpStatus === 404) {
          rediscovered = true;
          url = await this.movedUrl(session, module, url);
          continue;
        }
        throw error;
      }
    }
  }

  /** Re-discovers the CPO's endpoints; returns the module's URL now. @throws Error when it has none or the same one. */
  private async movedUrl(session: CpoSession, module: SenderModule, oldUrl: string): Promise<string> {
    const { connection } = await this.sender.rediscover(session.connection.id);
    const url = session.adapter.senderUrl(connection.theirEndpoints, module);
    this.logger.log({ connectionId: connection.id, module }, `HTTP 404 at the ${module} endpoint: re-discovered the CPO's endpoints`);
    if (!url || url === oldUrl)
      throw new Error(`the CPO's ${module} endpoint answered HTTP 404 and its endpoints list ${url ? 'the same URL' : `no ${module} SENDER interface`} after re-discovery`);
    return url;
  }
}
