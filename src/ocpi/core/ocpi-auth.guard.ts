import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { FastifyRequest } from 'fastify';
import { ConnectionsService } from '../../connections/connections.service';
import { CpoConnectionEntity } from '../../connections/cpo-connection.entity';
import { adapterFor, SUPPORTED_VERSIONS } from '../versions/version-registry';
import { candidateTokens } from './authorization-header';
import { OcpiError } from './ocpi-error';

/** The CPO connection an OCPI request was authenticated as, set on the request by {@link OcpiAuthGuard}. */
export interface OcpiAuthenticatedRequest extends FastifyRequest {
  ocpiConnection: CpoConnectionEntity;
  /** The credentials token the CPO presented (needed to answer GET credentials); never logged. */
  ocpiToken: string;
}

/**
 * Authenticates a CPO calling our OCPI endpoints by the credentials token in its Authorization header
 * (transport_and_format 2.2.1 §Authorization header): the token is looked up by its hash. The encoding the
 * route's version prescribes is tried first, the other one after, because many CPOs get it wrong.
 * @throws OcpiError HTTP 401 when the header is missing or the token unknown.
 */
@Injectable()
export class OcpiAuthGuard implements CanActivate {
  constructor(private readonly connections: ConnectionsService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<OcpiAuthenticatedRequest>();
    const version = (request.params as Record<string, string> | undefined)?.version;
    const encoding = (adapterFor(version) ?? SUPPORTED_VERSIONS[0]).tokenEncoding;
    for (const candidate of candidateTokens(request.headers.authorization, encoding)) {
      const connection = await this.connections.findByOurToken(candidate.token);
      if (connection && connection.status !== 'UNREGISTERED') {
        request.ocpiConnection = connection;
        request.ocpiToken = candidate.token;
        return true;
      }
    }
    throw OcpiError.unauthorized();
  }
}
