import Fastify, { type onSendHookHandler } from 'fastify';
import { addOnSendHookPerRoute } from './route-hooks';

/** A route's own onSend hook, chosen per route, runs on its answers (errors too) and on no other route's. */
describe('addOnSendHookPerRoute', () => {
  it('gives each route the hook picked for it, after its own, and none to a route picked none or added before', async () => {
    const app = Fastify();
    const seen: string[] = [];
    const hook =
      (name: string): onSendHookHandler =>
      (request, _reply, payload, done) => {
        seen.push(`${name} ${request.url}`);
        done(null, payload);
      };
    app.get('/before', () => 'before');
    addOnSendHookPerRoute(app, (route) => (route.url === '/none' ? null : hook(route.url === '/a' ? 'A' : 'other')));
    app.get('/a', () => 'a');
    app.post('/b', { onSend: hook('own') }, () => {
      throw new Error('refused');
    });
    app.get('/none', () => 'none');
    await app.ready();
    for (const [method, url] of [
      ['GET', '/a'],
      ['POST', '/b'],
      ['GET', '/none'],
      ['GET', '/before'],
      ['GET', '/missing'],
    ] as const) {
      await app.inject({ method, url });
    }
    expect(seen).toEqual(['A /a', 'own /b', 'other /b']);
    await app.close();
  });
});
