/** Tariffs Sender interface (mod_tariffs 2.2.1 §Sender Interface): GET List only, paginated. */
import { fail, OcpiStatus, type OcpiReply } from './http-envelope';
import { senderList } from './sender-list';
import type { SimulatorContext } from './simulator-context';

/** Takes method, segments below `tariffs`, query and context; returns the reply. */
export function handleTariffs(method: string, segments: string[], params: URLSearchParams, ctx: SimulatorContext): OcpiReply {
  if (method !== 'GET') return fail(405, OcpiStatus.CLIENT_ERROR, `${method} is not supported on the Tariffs Sender interface`);
  // 2.2.1 defines no GET Object on the Tariffs Sender interface.
  if (segments.length > 0) return fail(404, OcpiStatus.CLIENT_ERROR, 'Unknown path');
  return senderList(ctx.store.tariffs, params, ctx.maxPageLimit, ctx.urls.tariffs);
}
