import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable } from 'rxjs';
import { assignLogFields, partyField } from './log-context';

type Parties = Parameters<typeof partyField>[0];

/**
 * Global: once OcpiAuthGuard has found the calling CPO (guards run before interceptors), every later log line of the
 * request carries its `connection_id` and `party` (the routed party for a push through a Hub, else the connection's
 * parties). Requests of no CPO are left as they are.
 */
@Injectable()
export class CpoLogContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      // ocpiPartner and ocpiRoute are set by OcpiAuthGuard (ocpi/server), named here by shape only (no import upwards).
      const request = context.switchToHttp().getRequest<{ ocpiPartner?: { id: string; parties: Parties }; ocpiRoute?: { parties: Parties } }>();
      const partner = request.ocpiPartner;
      if (partner) assignLogFields({ connection_id: partner.id, party: partyField(request.ocpiRoute?.parties ?? partner.parties) });
    }
    return next.handle();
  }
}
