/**
 * Child process of the API benchmark: a bare Fastify route (GET /bare → {"ok":true}; PATCH, PUT or POST /bare/… with a JSON
 * body → an OCPI-shaped envelope), no Nest, no database, no
 * validation. Measured in the same run and under the same load as the API, it is the ceiling this machine and the
 * load generator allow. With `bodyBytes` in the start request, GET /bare-body also answers a body built once at start
 * (JSON, exactly that many bytes): the same ceiling for an answer as large as a search page. Reports { url } over
 * IPC, tells its CPU time when asked, serves until told to stop.
 */
import Fastify from 'fastify';
import { installLeanAsyncResourceBind } from '../src/common/http/async-resource-bind';

/** What the parent may pass at start: the size of the /bare-body answer, bytes (none: no such route). */
export interface BareWorkerRequest {
  bodyBytes?: number;
}

// As the service does (src/service.ts): the ceiling gets the same fix of Node's AsyncResource.bind as the service.
installLeanAsyncResourceBind();
const app = Fastify({ logger: false });
app.get('/bare', () => Promise.resolve({ ok: true }));
// The ceiling for pushes and authorizations: the same PATCH / PUT / POST requests, body parsed as JSON, answered with an OCPI-shaped envelope.
app.route({ method: ['PATCH', 'PUT', 'POST'], url: '/bare/*', handler: () => Promise.resolve({ status_code: 1000, timestamp: new Date().toISOString() }) });

/** A JSON object of exactly `bytes` bytes (at least 12): {"data":"xx…x"}. */
export function jsonBodyOfSize(bytes: number): Buffer {
  const frame = '{"data":""}';
  return Buffer.from(`{"data":"${'x'.repeat(Math.max(0, bytes - frame.length))}"}`);
}

process.on('message', (message: { type: 'start'; request?: BareWorkerRequest } | { type: 'cpu' } | { type: 'stop' }) => {
  if (message.type === 'cpu') {
    // The route's own CPU time (bench-worker-client's cpuMicros), beside the service's: what an answer costs the ceiling.
    const { user, system } = process.cpuUsage();
    process.send!({ type: 'cpu', micros: user + system });
  } else if (message.type === 'start') {
    const bytes = message.request?.bodyBytes;
    if (bytes !== undefined) {
      // Serialised once: the route costs what sending that many bytes costs, no JSON work per request.
      const body = jsonBodyOfSize(bytes);
      app.get('/bare-body', (_request, reply) => reply.type('application/json; charset=utf-8').send(body));
    }
    app.listen({ port: 0, host: '127.0.0.1' }).then(
      (url) => process.send!({ type: 'ready', url }),
      (error: Error) => process.send!({ type: 'error', message: error.message }, () => process.exit(1)),
    );
  } else {
    void app.close().then(() => process.send!({ type: 'stopped', maxRssMiB: 0 }, () => process.exit(0)));
  }
});
