/**
 * CDRs Sender interface (mod_cdrs 2.2.1 §Sender Interface, 2.1.1 §2.1 CPO Interface): GET List only, paginated,
 * date_from / date_to on last_updated. POST, PUT, PATCH and DELETE are "n/a".
 */
import { fail, OcpiStatus, type OcpiReply } from './http-envelope';
import { senderList } from './sender-list';
import type { SimulatorContext } from './simulator-context';

/** Takes method, segments below `cdrs`, query and context; returns the reply. */
export function handleCdrs(method: string, segments: string[], params: URLSearchParams, ctx: SimulatorContext): OcpiReply {
  if (method !== 'GET') return fail(405, OcpiStatus.CLIENT_ERROR, `${method} is not supported on the CDRs Sender interface`);
  if (segments.length > 0) return fail(404, OcpiStatus.CLIENT_ERROR, 'Unknown path');
  return senderList(ctx.store.cdrs ?? [], params, ctx.maxPageLimit, ctx.urls.cdrs);
}
