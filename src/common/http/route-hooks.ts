import type { FastifyInstance, onSendHookHandler, RouteOptions } from 'fastify';

/**
 * Gives every route added from now on its own onSend hook, chosen per route by `pick` (null: none), so that an answer
 * runs only the hooks its route needs, where a global hook would run on every answer of every route and tell the
 * routes apart there. Routes already added are left as they are (Nest adds its routes when the application listens).
 * A matched route's error answers run its hooks too; the not-found answer (no route) runs none of them.
 */
export function addOnSendHookPerRoute(fastify: FastifyInstance, pick: (route: RouteOptions) => onSendHookHandler | null): void {
  fastify.addHook('onRoute', (route) => {
    const hook = pick(route);
    if (!hook) return;
    const own = route.onSend;
    route.onSend = own === undefined ? [hook] : Array.isArray(own) ? [...own, hook] : [own, hook];
  });
}
