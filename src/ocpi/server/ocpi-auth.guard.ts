import { CanActivate, ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { FastifyReply, FastifyRequest } from 'fastify';
import { adapterFor, SUPPORTED_VERSIONS } from '../versions/version-registry';
import { TokenEncoding } from '../wire/authorization-header';
import { OcpiError } from '../wire/ocpi-error';
import { functionalModuleOf, MessageRoute, MessageRouting } from './message-routing';
import { OCPI_PARTNERS, OcpiPartner, OcpiPartners } from './ocpi-partners.port';

/**
 * The partner an OCPI request was authenticated as, set on the request by {@link OcpiAuthGuard}. `P` is what the
 * partner directory returns (the connections domain's own type, for its own controllers).
 */
export interface OcpiAuthenticatedRequest<P extends OcpiPartner = OcpiPartner> extends FastifyRequest {
  ocpiPartner: P;
  /** The credentials token the CPO presented (needed to answer GET credentials); never logged. */
  ocpiToken: string;
  /**
   * How a request to a functional module was routed (transport_and_format 2.2.1 §Message Routing), set by the guard
   * for a registered partner; absent on the configuration modules (versions, credentials, hubclientinfo).
   */
  ocpiRoute?: MessageRoute;
}

const ACCEPTS_TOKEN_A = 'ocpi:accepts-token-a';

/**
 * Marks the configuration modules (versions, credentials) on which CREDENTIALS_TOKEN_A is valid
 * (transport_and_format 2.2.1 §Authorization header: token A on any other module → HTTP 401).
 */
export const AcceptsTokenA = () => SetMetadata(ACCEPTS_TOKEN_A, true);

/**
 * Authenticates a CPO calling our OCPI endpoints by the credentials token in its Authorization header
 * (transport_and_format 2.2.1 §Authorization header; 2.1.1 §Security and authentication): the token is looked
 * up by its hash in the partner directory, which holds every connection in memory (no database round trip per
 * request; a change reaches every instance within a second, the instance that made it at once). The encoding the route's version prescribes is tried first, the other one after, because
 * many CPOs get it wrong; when the other one matched, it is counted per connection (THEY_SEND) for operations.
 * Token A of an invitation works on versions and credentials only, and only until it expires.
 * On a functional module (not versions, credentials or hubclientinfo), a registered partner's request is then routed
 * (MessageRouting: a Hub's must name us and a party it announced) and answered with the routing headers swapped.
 * @throws OcpiError HTTP 401 when the header is missing, the token unknown, expired, of an unregistered
 *   connection, or a token A on another module; 2001 (HTTP 200) for routing headers that do not fit.
 */
@Injectable()
export class OcpiAuthGuard implements CanActivate {
  constructor(
    @Inject(OCPI_PARTNERS) private readonly partners: OcpiPartners,
    private readonly reflector: Reflector,
    private readonly routing: MessageRouting,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const acceptsTokenA = this.reflector.getAllAndOverride<boolean>(ACCEPTS_TOKEN_A, [context.getHandler(), context.getClass()]) ?? false;
    await this.authenticate(http.getRequest<OcpiAuthenticatedRequest>(), http.getResponse<FastifyReply>(), acceptsTokenA);
    return true;
  }

  /**
   * The guard's work outside Nest's pipeline (the real-time authorization route is a plain Fastify route): sets
   * ocpiPartner, ocpiToken and ocpiRoute on `request`, the routing headers on `reply`.
   * @param acceptsTokenA whether token A of an invitation is accepted here (versions and credentials only)
   * @throws OcpiError as the guard
   */
  async authenticate(request: OcpiAuthenticatedRequest, reply: FastifyReply, acceptsTokenA: boolean): Promise<void> {
    const routeAdapter = adapterFor((request.params as Record<string, string> | undefined)?.version);
    const found = await this.partners.findByAuthorization(request.headers.authorization, (routeAdapter ?? SUPPORTED_VERSIONS[0]).tokenEncoding, usable);
    if (!found) throw OcpiError.unauthorized();
    const { partner, token, encoding } = found;
    if (partner.status === 'INVITED' && !acceptsTokenA) {
      throw OcpiError.unauthorized('Token A may only be used on the versions and credentials endpoints');
    }
    request.ocpiPartner = partner;
    request.ocpiToken = token;
    await this.noteEncoding(partner, routeAdapter?.version ?? partner.ocpiVersion, encoding);
    if (routeAdapter && partner.status === 'REGISTERED' && functionalModuleOf(request.url)) {
      const routingHeaders = routeAdapter.transport.routingHeaders;
      const answer = routingHeaders ? this.routing.replyHeaders(partner, request.headers) : null;
      // Before routing: a refusal carries them too (transport_and_format 2.2.1 §Message Routing Headers: "request/response").
      if (answer) void reply.headers(answer);
      request.ocpiRoute = await this.routing.route(partner, request.headers, routingHeaders);
    }
  }

  /** Counts a token sent in the encoding its version does not prescribe (unknown version: nothing to say). */
  private async noteEncoding(partner: OcpiPartner, version: string | null, encoding: TokenEncoding): Promise<void> {
    const prescribed = adapterFor(version)?.tokenEncoding;
    if (version && prescribed && encoding !== prescribed) await this.partners.noteTheySend(partner.id, version, encoding);
  }
}

function usable(partner: OcpiPartner): boolean {
  if (partner.status === 'UNREGISTERED' || partner.status === 'FAILED') return false;
  return !partner.ourTokenExpiresAt || partner.ourTokenExpiresAt.getTime() > Date.now();
}
