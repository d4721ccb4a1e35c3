/**
 * Child process of the API benchmark: a bare Fastify route (GET /bare → {"ok":true}; PATCH or PUT /bare/… with a JSON
 * body → an OCPI-shaped envelope), no Nest, no database, no
 * validation. Measured in the same run and under the same load as the API, it is the ceiling this machine and the
 * load generator allow. Reports { url } over IPC, serves until told to stop.
 */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/bare', () => Promise.resolve({ ok: true }));
// The ceiling for pushes: the same PATCH / PUT requests, body parsed as JSON, answered with an OCPI-shaped envelope.
app.route({ method: ['PATCH', 'PUT'], url: '/bare/*', handler: () => Promise.resolve({ status_code: 1000, timestamp: new Date().toISOString() }) });

process.on('message', (message: { type: 'start' } | { type: 'stop' }) => {
  if (message.type === 'start') {
    app.listen({ port: 0, host: '127.0.0.1' }).then(
      (url) => process.send!({ type: 'ready', url }),
      (error: Error) => process.send!({ type: 'error', message: error.message }, () => process.exit(1)),
    );
  } else {
    void app.close().then(() => process.send!({ type: 'stopped', maxRssMiB: 0 }, () => process.exit(0)));
  }
});
