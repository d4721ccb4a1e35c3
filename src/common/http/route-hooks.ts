import type { FastifyInstance, onSendHookHandler, RouteOptions } from 'fastify';

/**
 * Gives every route added from now on its own onSend hook, chosen per route by `pick` (null: none): an answer then pays
 * only for the hooks its route needs, where a global hook runs, and tells the routes apart, on every answer of every
 * route. Routes already added are left as they are (Nest adds its routes when the application listens). Errors and
 * answers of a matched route run its hooks too; the not-found answer (no route) runs none of them.
 */
export function addOnSendHookPerRoute(fastify: FastifyInstance, pick: (route: RouteOptions) => onSendHookHandler | null): void {
  fastify.addHook('onRoute', (route) => {
    const hook = pick(route);
    if (!hook) return;
    const own = route.onSend;
    route.onSend = own === undefined ? [hook] : Array.isArray(own) ? [...own, hook] : [own, hook];
  });
}
