import { Injectable } from '@nestjs/common';
import { hashToken } from '../common/crypto/token-vault';
import { candidateTokens, TokenEncoding } from '../ocpi/wire/authorization-header';
import { AuthObservations } from './auth-observations';
import { ConnectionCache } from './connection-cache';
import { ConnectionsService } from './connections.service';
import { ConnectionModule, CpoConnectionEntity } from './cpo-connection.entity';
import { modesOf } from './module-modes';

/** A credentials token an Authorization header may carry, with its hash (what connections are found by). */
interface Candidate {
  token: string;
  encoding: TokenEncoding;
  hash: string;
}

/** Authorization headers whose candidates are remembered: more than the CPOs that call one instance, few enough to be small. */
const REMEMBERED_HEADERS = 1024;
/** Longer headers are not remembered (a credentials token is string(64): 88 characters in Base64). */
const REMEMBERED_HEADER_LENGTH = 512;

/**
 * The connections domain's side of the OCPI server's partner port (OcpiPartners in ocpi/server; the composition root
 * checks that this class fits it, so this folder never imports the server side): a CPO calling us is found by the hash
 * of the credentials token it presents (our token A, B or C), and its Authorization header habits are counted.
 * Connections are found in memory (ConnectionCache: fresh within CONNECTION_REFRESH_MS on every instance, at once on
 * the instance that wrote), so authenticating a request costs no database round trip.
 */
@Injectable()
export class ConnectionDirectory {
  /**
   * Authorization header (per expected encoding) → its candidate tokens with their SHA-256 hashes: a CPO sends the same
   * header on every request, and hashing it twice per request was a good part of an authorization's cost. A pure
   * function of the header, so nothing to invalidate: a rotation changes which connection a hash finds (looked up in
   * ConnectionCache on every request), not the hash. Bounded (the oldest entry goes first) so that a caller trying
   * many tokens cannot grow it; held in memory only, like the headers themselves, never logged.
   */
  private readonly remembered: Record<TokenEncoding, Map<string, readonly Candidate[]>> = { base64: new Map(), plain: new Map() };

  constructor(
    private readonly connections: ConnectionsService,
    private readonly observations: AuthObservations,
    private readonly cache: ConnectionCache,
  ) {}

  /**
   * The connection whose credentials token an `Authorization: Token …` header carries, trying the `expected`
   * encoding first and the other one after (transport_and_format 2.2.1 §Authorization header; many CPOs get the
   * encoding wrong), keeping only connections `accept` takes. Returns the connection, the token in clear (never
   * logged) and the encoding that matched (the connection is a copy the caller may change); null when none does. After an unsettled credentials update, this use of one
   * of our two tokens settles which one the CPO holds (ConnectionsService.noteOurTokenUsed).
   */
  async findByAuthorization(
    header: string | undefined,
    expected: TokenEncoding,
    accept: (connection: CpoConnectionEntity) => boolean = () => true,
  ): Promise<{ partner: CpoConnectionEntity; token: string; encoding: TokenEncoding } | null> {
    const candidates = this.candidatesOf(header, expected);
    const found = await this.firstHeld(candidates, accept);
    // PENDING lasts only while we register with the CPO (maybe through another instance): a copy read then may be
    // stale by now, so it is read again before answering (the CPO calls us right after its registration).
    if (found?.partner.status === 'PENDING') {
      await this.cache.changed();
      return this.firstHeld(candidates, accept);
    }
    if (found || candidates.some((c) => this.cache.findByTokenHash(c.hash))) return found;
    // None held here: issued through another instance since our last poll, or unknown. One look in the database tells.
    return (await this.cache.catchUpIfKnown(candidates.map((c) => c.hash))) ? this.firstHeld(candidates, accept) : null;
  }

  /** The header's candidate tokens with their hashes, remembered for the next request with the same header. */
  private candidatesOf(header: string | undefined, expected: TokenEncoding): readonly Candidate[] {
    if (header === undefined) return [];
    const remembered = this.remembered[expected];
    const known = remembered.get(header);
    if (known) return known;
    const candidates = candidateTokens(header, expected).map((c) => ({ ...c, hash: hashToken(c.token) }));
    if (header.length > REMEMBERED_HEADER_LENGTH) return candidates;
    if (remembered.size >= REMEMBERED_HEADERS) remembered.delete(remembered.keys().next().value as string);
    remembered.set(header, candidates);
    return candidates;
  }

  private async firstHeld(
    candidates: readonly Candidate[],
    accept: (connection: CpoConnectionEntity) => boolean,
  ): Promise<{ partner: CpoConnectionEntity; token: string; encoding: TokenEncoding } | null> {
    for (const { token, encoding, hash } of candidates) {
      const connection = this.cache.findByTokenHash(hash);
      if (!connection || !accept(connection)) continue;
      await this.connections.noteOurTokenUsed(connection, token);
      return { partner: connection, token, encoding };
    }
    return null;
  }

  /**
   * Whether the partner's pushes of `module` are to be taken: its mode is RECEIVE or BOTH (set by default from the
   * endpoints it lists, or by operations). For the Receiver interfaces; answered from memory (a connection not held
   * yet is read from the database). @throws NotFoundException for an unknown id
   */
  async receives(connectionId: string, module: ConnectionModule): Promise<boolean> {
    const held = this.cache.get(connectionId);
    return held ? modesOf(held)[module].received : this.connections.receives(connectionId, module);
  }

  /** One more sighting of the CPO sending its token in the encoding `version` does not prescribe. */
  noteTheySend(connectionId: string, version: string, encoding: TokenEncoding): Promise<void> {
    return this.observations.record(connectionId, 'THEY_SEND', version, encoding);
  }
}
