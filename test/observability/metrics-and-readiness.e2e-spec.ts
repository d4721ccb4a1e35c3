/**
 * Observability through HTTP on loopback: liveness and readiness (/health, /health/live, /health/ready), and the
 * Prometheus metrics at /metrics after a pull from a simulated CPO and its pushes to our Receiver interfaces
 * (transport_and_format 2.2.1 §Client Owned Object Push), read in the text exposition format.
 */
import { JobQueue } from '../../src/jobs/job-queue';
import { defineQueue } from '../../src/jobs/queue-definition';
import { pushClientFor } from '../cpo-simulator/push-client';
import { locationsFor } from '../support/ocpi-versions';
import { registerCpo, RegisteredCpo } from '../support/registered-cpo';
import { startTestService, TestService } from '../support/test-service';
import { aToken, tokensApi } from '../tokens/support/tokens-api';
import { metricValue, parseMetrics, scrapeUntil } from './support/prometheus-text';

describe('liveness, readiness and Prometheus metrics', () => {
  const party = { countryCode: 'NL', partyId: 'OBS' };
  let service: TestService;
  let cpo: RegisteredCpo;

  beforeAll(async () => {
    service = await startTestService();
    const locations = locationsFor('2.2.1', { count: 3, seed: 7, center: { latitude: 52.09, longitude: 5.12 }, radiusKm: 1, ...party });
    cpo = await registerCpo(service, { version: '2.2.1', ...party, locations, tariffs: [] });
  });
  afterAll(async () => {
    await cpo?.close();
    await service?.stop();
  });

  it('liveness: /health and /health/live answer 200 without naming the database', async () => {
    for (const path of ['/health', '/health/live']) {
      const response = await fetch(`${service.url}${path}`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok', info: {}, error: {}, details: {} });
    }
  });

  it('readiness: /health/ready is 200 with the database and the job queue (its pg-boss schema version) up', async () => {
    const response = await fetch(`${service.url}/health/ready`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as any;
    expect(body.status).toBe('ok');
    expect(body.info.database).toEqual({ status: 'up' });
    expect(body.info.job_queue).toEqual({ status: 'up', schema_version: expect.any(Number) });
  });

  it('after a pull: ocpi_calls_total counts the SUCCESS calls per cpo and module, sync_runs_total the run, sync_lag_seconds is small', async () => {
    const outcomes = await cpo.sync();
    expect(outcomes.find((o) => o.module === 'locations')).toMatchObject({ status: 'SUCCEEDED', stored: 3 });
    const text = await scrapeUntil(service.url, (m) => metricValue(m, 'sync_runs_total', { cpo: cpo.connectionId, module: 'locations', status: 'SUCCEEDED' }) !== undefined);
    const metrics = parseMetrics(text);
    expect(metricValue(metrics, 'sync_runs_total', { cpo: cpo.connectionId, module: 'locations', status: 'SUCCEEDED' })).toBe(1);
    // The version details, then at least one page of Locations: each a call of its own module.
    expect(metricValue(metrics, 'ocpi_calls_total', { cpo: cpo.connectionId, module: 'locations', outcome: 'SUCCESS' })).toBeGreaterThanOrEqual(1);
    expect(metricValue(metrics, 'ocpi_call_duration_seconds_count', { cpo: cpo.connectionId, module: 'locations' })).toBeGreaterThanOrEqual(1);
    const lag = metricValue(metrics, 'sync_lag_seconds', { cpo: cpo.connectionId, module: 'locations' });
    expect(lag).toBeGreaterThanOrEqual(0);
    expect(lag).toBeLessThan(600);
    expect(metricValue(metrics, 'ocpi_connection_info', { cpo: cpo.connectionId, name: 'NL*OBS', status: 'REGISTERED', parties: 'NL*OBS' })).toBe(1);
    // Node's own process metrics are there too.
    expect(metricValue(metrics, 'process_cpu_user_seconds_total', {})).toBeGreaterThan(0);
  });

  it('a failed call: ocpi_calls_total counts it under its call-log kind (TRANSPORT once the CPO is gone)', async () => {
    const gone = await registerCpo(service, { version: '2.2.1', countryCode: 'NL', partyId: 'GON', locations: [], tariffs: [] });
    await gone.simulator.close();
    const outcomes = await gone.sync();
    expect(outcomes.some((o) => o.status === 'FAILED')).toBe(true);
    const text = await scrapeUntil(service.url, (m) => metricValue(m, 'sync_runs_total', { cpo: gone.connectionId, module: 'tariffs', status: 'FAILED' }) !== undefined);
    const metrics = parseMetrics(text);
    expect(metricValue(metrics, 'ocpi_calls_total', { cpo: gone.connectionId, module: 'tariffs', outcome: 'TRANSPORT' })).toBeGreaterThanOrEqual(1);
    expect(metricValue(metrics, 'ocpi_calls_total', { cpo: gone.connectionId, module: 'tariffs', outcome: 'SUCCESS' })).toBeUndefined();
  });

  it('mod_locations 2.2.1 §Receiver Interface: pushes are counted per cpo, module and result (ACCEPTED, REJECTED)', async () => {
    const client = pushClientFor(cpo.simulator);
    const location = locationsFor('2.2.1', { count: 1, seed: 99, center: { latitude: 52.1, longitude: 5.1 }, radiusKm: 1, ...party })[0];
    const pushed = { ...location, id: 'OBS-PUSHED-1' };
    expect((await client.putLocation(pushed)).httpStatus).toBe(201);
    expect((await client.patchLocation('OBS-PUSHED-1', { last_updated: new Date().toISOString(), name: 'renamed' })).httpStatus).toBe(200);
    // Another party's object: refused with 2001 (status_codes 2.2.1 §2xxx), counted as REJECTED.
    const foreign = await client.putLocation({ ...pushed, id: 'OBS-FOREIGN', party_id: 'XXX' }, { party: { countryCode: 'NL', partyId: 'XXX' } });
    expect(foreign.ocpiStatus).toBe(2001);
    const metrics = parseMetrics(await (await fetch(`${service.url}/metrics`)).text());
    expect(metricValue(metrics, 'ocpi_pushes_received_total', { cpo: cpo.connectionId, module: 'locations', result: 'ACCEPTED' })).toBe(2);
    expect(metricValue(metrics, 'ocpi_pushes_received_total', { cpo: cpo.connectionId, module: 'locations', result: 'REJECTED' })).toBe(1);
  });

  it('mod_tokens 2.2.1 §POST Method (real-time authorization): authorization_latency_seconds observes each answer by result', async () => {
    const created = await tokensApi(service).create(aToken('OBS-CARD-1'));
    expect(created.status).toBe(201);
    expect((await cpo.simulator.authorizeToken('OBS-CARD-1')).data).toMatchObject({ allowed: 'ALLOWED' });
    expect((await cpo.simulator.authorizeToken('OBS-NO-SUCH-CARD')).httpStatus).toBe(404);
    const metrics = parseMetrics(await (await fetch(`${service.url}/metrics`)).text());
    expect(metricValue(metrics, 'authorization_latency_seconds_count', { result: 'ALLOWED' })).toBe(1);
    expect(metricValue(metrics, 'authorization_latency_seconds_count', { result: 'UNKNOWN' })).toBe(1);
    expect(metricValue(metrics, 'authorization_latency_seconds_sum', { result: 'ALLOWED' })).toBeGreaterThan(0);
    // A question, not a push: not in ocpi_pushes_received_total.
    expect(metrics.filter((m) => m.name === 'ocpi_pushes_received_total' && m.labels.module === 'tokens')).toEqual([]);
  });

  it('job_queue_depth counts waiting jobs per queue and state; authorization_latency_seconds is registered', async () => {
    const queue = defineQueue<{ n: number }>({ name: 'observability-test', policy: 'standard', retryLimit: 0, retryDelaySeconds: 1, retryBackoff: false, expireInSeconds: 60 });
    const jobs = service.app.get(JobQueue);
    for (const n of [1, 2]) await jobs.send(queue, { n }, { startAfterSeconds: 3600 });
    const text = await (await fetch(`${service.url}/metrics`)).text();
    expect(metricValue(parseMetrics(text), 'job_queue_depth', { queue: 'observability-test', state: 'created' })).toBe(2);
    expect(text).toContain('# TYPE authorization_latency_seconds histogram');
  });

  it('/metrics answers in the Prometheus text format without an API key; the OpenAPI document lists /health/ready and /metrics', async () => {
    const response = await fetch(`${service.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const document = (await (await fetch(`${service.url}/api/docs-json`)).json()) as any;
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/health', '/health/live', '/health/ready', '/metrics']));
    expect(Object.keys(document.paths['/health/ready'].get.responses)).toEqual(expect.arrayContaining(['200', '503']));
  });
});
