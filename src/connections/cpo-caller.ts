import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { otherEncoding, TokenEncoding } from '../ocpi/wire/authorization-header';
import { OcpiCallError } from '../ocpi/client/ocpi-call.error';
import { OcpiClient, OcpiReply, OcpiRequest } from '../ocpi/client/ocpi-client';
import { adapterFor } from '../ocpi/versions/version-registry';
import { AuthObservations } from './auth-observations';
import { ConnectionsService } from './connections.service';
import { CpoConnectionEntity } from './cpo-connection.entity';

/**
 * Who we call and with which token. `prescribed` is the encoding of `version` (the highest version we speak
 * while the version is not negotiated yet); `preferred` what this CPO turned out to accept, when not that.
 */
export interface CpoTarget {
  connectionId: string | null;
  version: string | null;
  prescribed: TokenEncoding;
  preferred: TokenEncoding | null;
  token: string;
  /** After an unsettled credentials update: the other token the CPO may accept, tried when `token` gets HTTP 401. */
  fallback?: string | null;
  /**
   * The connection's tokens are unsettled (an update not settled, a fallback, or attention asked for): the first call
   * that works settles them (ConnectionsService.theirTokenWorked), and one refused with every token may ask for attention.
   */
  unsettled?: boolean;
}

/** A target for a connection's stored state; `fallback` from its session (CpoSession.fallbackToken). */
export function targetOf(connection: CpoConnectionEntity, version: string | null, prescribed: TokenEncoding, token: string, fallback: string | null = null): CpoTarget {
  const unsettled = fallback !== null || connection.tokenRotation !== null || connection.needsAttention !== null;
  return { connectionId: connection.id, version, prescribed, preferred: connection.theirTokenEncoding, token, fallback, unsettled };
}

/** True for an HTTP 401 answer: the CPO did not recognise our credentials token (as we encoded it). */
export function isUnauthorized(error: unknown): boolean {
  return error instanceof OcpiCallError && error.details.httpStatus === 401;
}

/**
 * Calls a CPO with its credentials token, tolerant of CPOs that want the other token encoding
 * (transport_and_format 2.2.1 §Authorization header, NOTE): the encoding we know the CPO accepts, else the
 * one its version prescribes; on HTTP 401 once more with the other encoding. When that one works, it is
 * remembered on the connection and counted as a THEY_ACCEPT observation for operations. After a credentials update
 * whose outcome the CPO has not shown yet (credentials §PUT), a token refused with HTTP 401 in both encodings is
 * followed by the other token the CPO may hold; whichever works settles the connection's tokens.
 */
@Injectable()
export class CpoCaller {
  constructor(
    private readonly client: OcpiClient,
    private readonly observations: AuthObservations,
    private readonly connections: ConnectionsService,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  /**
   * One request. @returns the reply. @throws OcpiCallError of the first attempt when both encodings (and the fallback
   * token, if any) fail.
   */
  async request<T = unknown>(target: CpoTarget, call: Omit<OcpiRequest, 'token' | 'encoding'>): Promise<OcpiReply<T>> {
    let reply: OcpiReply<T>;
    let worked: 'current' | 'fallback' = 'current';
    try {
      reply = await this.inEitherEncoding<T>(target, call);
    } catch (error) {
      if (!isUnauthorized(error)) throw error;
      const fallback = target.fallback;
      if (!fallback) {
        if (target.unsettled && target.connectionId) await this.connections.noTokenWorks(target.connectionId, `${call.method.toUpperCase()} ${call.url}`);
        throw error;
      }
      const alternative: CpoTarget = { ...target, token: fallback, fallback: null, preferred: null };
      try {
        reply = await this.inEitherEncoding<T>(alternative, call);
      } catch (second) {
        if (isUnauthorized(second) && target.connectionId) await this.connections.noTokenWorks(target.connectionId, `${call.method.toUpperCase()} ${call.url}`);
        throw error;
      }
      Object.assign(target, { token: fallback, fallback: null, preferred: alternative.preferred });
      worked = 'fallback';
    }
    if (target.unsettled && target.connectionId) {
      await this.connections.theirTokenWorked(target.connectionId, worked);
      target.unsettled = false;
      target.fallback = null;
    }
    return reply;
  }

  private async inEitherEncoding<T>(target: CpoTarget, call: Omit<OcpiRequest, 'token' | 'encoding'>): Promise<OcpiReply<T>> {
    const first = target.preferred ?? target.prescribed;
    // The version's transport rules (2.2 rules before a version is agreed) and the call-log context.
    const req = {
      ...call,
      transport: call.transport ?? adapterFor(target.version)?.transport,
      context: { connectionId: target.connectionId, module: moduleOf(call.url), ...call.context },
    };
    try {
      // A 401 here is handled below (the other encoding), so it is not worth a warning yet.
      return await this.client.request<T>({ ...req, token: target.token, encoding: first, expectedStatuses: [401] });
    } catch (error) {
      if (!isUnauthorized(error)) throw error;
      let reply: OcpiReply<T>;
      try {
        reply = await this.client.request<T>({ ...req, token: target.token, encoding: otherEncoding(first) });
      } catch {
        throw error;
      }
      await this.accepted(target, otherEncoding(first));
      return reply;
    }
  }

  /**
   * Records that the CPO accepted `encoding` from us: remembered on the connection (null again when it is
   * the prescribed one, e.g. after the CPO fixed its side) and counted when it is not the prescribed one.
   * Before the version is negotiated it is only kept on `target` for the calls of the same handshake.
   */
  async accepted(target: CpoTarget, encoding: TokenEncoding): Promise<void> {
    target.preferred = encoding === target.prescribed ? null : encoding;
    if (!target.connectionId || !target.version) return;
    await this.db.getRepository(CpoConnectionEntity).update(target.connectionId, { theirTokenEncoding: target.preferred });
    if (target.preferred) await this.observations.record(target.connectionId, 'THEY_ACCEPT', target.version, encoding);
  }
}

/** The OCPI module a configuration call addresses, for the call log: credentials, or versions otherwise. */
function moduleOf(url: string): string {
  return /\/credentials\/?(\?|$)/.test(url) ? 'credentials' : 'versions';
}
