/**
 * Sessions Sender interface (mod_sessions 2.2.1 §Sender Interface, 2.1.1 §2.1 CPO Interface): GET List, paginated,
 * date_from / date_to on last_updated. date_from is required in every version ("Required: yes"): a GET without it is
 * answered 2001. PUT (2.2.1+: Charging Preferences) and the rest are not served by this simulator.
 */
import { fail, OcpiStatus, type OcpiReply } from './http-envelope';
import { senderList } from './sender-list';
import type { SimulatorContext } from './simulator-context';

/** Takes method, segments below `sessions`, query and context; returns the reply. */
export function handleSessions(method: string, segments: string[], params: URLSearchParams, ctx: SimulatorContext): OcpiReply {
  if (method !== 'GET') return fail(405, OcpiStatus.CLIENT_ERROR, `${method} is not supported on the Sessions Sender interface of this simulator`);
  if (segments.length > 0) return fail(404, OcpiStatus.CLIENT_ERROR, 'Unknown path');
  if (params.get('date_from') === null) return fail(200, OcpiStatus.INVALID_PARAMETERS, 'date_from is required (mod_sessions §GET Method)');
  return senderList(ctx.store.sessions ?? [], params, ctx.maxPageLimit, ctx.urls.sessions);
}
