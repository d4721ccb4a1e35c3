import { randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Injectable, NestMiddleware } from '@nestjs/common';
import { adapterFor } from '../versions/version-registry';

/**
 * transport_and_format 2.2.1 §Unique message IDs: "the response to this request SHALL contain the same ID".
 * Echoes X-Request-ID and X-Correlation-ID on every response of our OCPI endpoints (errors included, so it runs
 * before guards), generating a UUID when a CPO sent none. Skipped on routes of a version without message ids (2.1.1).
 */
@Injectable()
export class OcpiMessageIdsMiddleware implements NestMiddleware {
  use(req: IncomingMessage, res: ServerResponse, next: () => void): void {
    const version = /^\/ocpi\/emsp\/([^/?]+)/.exec(req.url ?? '')?.[1];
    const adapter = adapterFor(version);
    if (!adapter || adapter.transport.messageIds) {
      res.setHeader('X-Request-ID', firstHeader(req.headers['x-request-id']) ?? randomUUID());
      res.setHeader('X-Correlation-ID', firstHeader(req.headers['x-correlation-id']) ?? randomUUID());
    }
    next();
  }
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first && first.length <= 255 ? first : undefined;
}
