/**
 * The main job in one command: `npm run demo` (add `-- --once` to exit after the first sync).
 *
 * Starts two simulated CPOs on loopback (test/cpo-simulator: spec example objects plus generated ones,
 * a few deliberately invalid), starts the service on an embedded PGlite database, registers with each CPO
 * through the operations API (credentials handshake), pulls their tariffs and locations, and prints per CPO
 * what was stored and rejected, then two ready-to-paste requests to the internal API with their answers.
 * With --once it exits 0 only if every CPO registered and synced; otherwise it keeps serving until Ctrl-C.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadEnvironment } from '../src/config/env.validation';
import { startService, RunningService } from '../src/service';
import { CpoSimulator, generateLocations, loadFixtureFiles, loadFixtureLocations, loadFixtureTariffs, startCpoSimulator } from '../test/cpo-simulator';

const once = process.argv.includes('--once');
const DEMO_DIR = join(process.cwd(), '.data', 'demo');

interface DemoCpo {
  name: string;
  simulator: CpoSimulator;
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  const cpos = await startSimulators();
  const service = await startDemoService();
  let allGood = true;
  try {
    const ops = operationsClient(service);
    log(`\nService listening on ${service.url} (embedded PGlite in ${relative(DEMO_DIR)}), OpenAPI UI at ${service.url}/api/docs\n`);
    for (const cpo of cpos) allGood = (await connectAndSync(ops, cpo)) && allGood;
    await showInternalApi(service);
    log(`\nFirst answer ${((Date.now() - startedAt) / 1000).toFixed(1)} s after start.`);
  } catch (error) {
    allGood = false;
    log(`\nDemo failed: ${(error as Error).message}`);
  }
  if (once) {
    await service.stop();
    await Promise.all(cpos.map((c) => c.simulator.close()));
    log(allGood ? '\nEvery CPO registered and synced.' : '\nAt least one CPO did not register or sync: see above.');
    process.exit(allGood ? 0 : 1);
  }
  log('\nServing until Ctrl-C (the demo database is reset on the next `npm run demo`).');
  const stop = () => void Promise.all([service.stop(), ...cpos.map((c) => c.simulator.close())]).then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** Two CPOs: NL*SIM with the spec's example objects, generated ones and some invalid ones; BE*GEN generated only. */
async function startSimulators(): Promise<DemoCpo[]> {
  const nlOwner = { countryCode: 'NL', partyId: 'SIM' };
  const nlTariffs = loadFixtureTariffs(nlOwner);
  const nlInvalid = loadFixtureFiles('not-ok', nlOwner).map((f) => f.object);
  const nl = await startCpoSimulator({
    ...nlOwner,
    businessName: 'Simulated Charging NL',
    tariffs: [...nlTariffs, ...nlInvalid.filter(isTariffLike)],
    locations: [
      ...loadFixtureLocations(nlOwner),
      ...generateLocations({ count: 400, seed: 1, center: { latitude: 52.3702, longitude: 4.8952 }, radiusKm: 8, ...nlOwner, tariffIds: tariffIdsOf(nlTariffs) }),
      ...nlInvalid.filter((o) => !isTariffLike(o)),
    ],
  });
  const beOwner = { countryCode: 'BE', partyId: 'GEN' };
  const beTariffs = loadFixtureTariffs(beOwner);
  const be = await startCpoSimulator({
    ...beOwner,
    businessName: 'Generated Charging BE',
    tariffs: beTariffs,
    locations: generateLocations({ count: 300, seed: 2, center: { latitude: 50.8503, longitude: 4.3517 }, radiusKm: 10, ...beOwner, tariffIds: tariffIdsOf(beTariffs) }),
  });
  return [
    { name: 'Simulated Charging NL', simulator: nl },
    { name: 'Generated Charging BE', simulator: be },
  ];
}

/** The service on a fresh embedded database, with demo secrets generated on the spot. */
async function startDemoService(): Promise<RunningService> {
  rmSync(DEMO_DIR, { recursive: true, force: true });
  mkdirSync(DEMO_DIR, { recursive: true });
  const env = loadEnvironment({
    PGLITE_DATA_DIR: join(DEMO_DIR, 'pglite'),
    PORT: process.env.PORT ?? (once ? '0' : '3000'),
    HOST: '127.0.0.1',
    TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    OPERATIONS_API_KEY: `ops-${randomBytes(12).toString('hex')}`,
    INTERNAL_API_KEY: process.env.INTERNAL_API_KEY ?? 'demo-internal-api-key',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    SYNC_INTERVAL_MINUTES: '15',
  });
  return startService(env);
}

type Ops = (method: string, path: string, body?: unknown) => Promise<any>;

function operationsClient(service: RunningService): Ops {
  return async (method, path, body) => {
    const response = await fetch(`${service.url}/api/v1/operations${path}`, {
      method,
      headers: { 'X-API-Key': service.config.env.OPERATIONS_API_KEY, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await response.json();
    if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${JSON.stringify(json)}`);
    return json;
  };
}

/** Registers with one CPO and pulls it; prints what happened. Returns false when anything failed. */
async function connectAndSync(ops: Ops, cpo: DemoCpo): Promise<boolean> {
  log(`== ${cpo.name} (${cpo.simulator.countryCode}*${cpo.simulator.partyId}) at ${cpo.simulator.versionsUrl}`);
  let connection;
  try {
    connection = await ops('POST', '/connections', { name: cpo.name, versions_url: cpo.simulator.versionsUrl, token_a: cpo.simulator.tokenA });
  } catch (error) {
    log(`   registration FAILED: ${(error as Error).message}`);
    return false;
  }
  log(`   registered: OCPI ${connection.ocpi_version}, parties ${connection.parties.map((p: any) => `${p.country_code}*${p.party_id} (${p.role})`).join(', ')}`);
  const outcomes: any[] = await ops('POST', `/connections/${connection.id}/sync`);
  for (const o of outcomes) {
    log(`   pulled ${o.module.padEnd(9)} ${o.status.padEnd(9)} pages ${o.pages}, received ${o.received}, stored ${o.stored}, rejected ${o.rejected}${o.message ? ` (${o.message})` : ''}`);
  }
  const summary = await ops('GET', `/connections/${connection.id}/summary`);
  const s = summary.stored;
  log(`   stored: ${s.locations} locations, ${s.evses} EVSEs, ${s.connectors} connectors, ${s.tariffs} tariffs`);
  if (summary.rejected.length > 0) log(`   rejected ${summary.rejected.length}:`);
  for (const r of summary.rejected) log(`     - ${r.module} ${r.object_id ?? '(no id)'}: ${r.reason}`);
  return outcomes.every((o) => o.status === 'SUCCEEDED');
}

/** Runs and prints the two internal API requests the mobile-app backend would make. */
async function showInternalApi(service: RunningService): Promise<void> {
  const key = service.config.env.INTERNAL_API_KEY;
  const nearbyUrl = `${service.url}/api/v1/chargers/nearby?latitude=52.3702&longitude=4.8952&radius_m=1500&available_now=true&limit=3`;
  log('\n== Free chargers within 1.5 km of Amsterdam Centraal, now:');
  log(`   curl -s -H 'X-API-Key: ${key}' '${nearbyUrl}'`);
  const nearby: any = await (await fetch(nearbyUrl, { headers: { 'X-API-Key': key } })).json();
  log(indent(JSON.stringify(nearby, null, 2), 40));
  const connector = nearby.data?.flatMap((r: any) => r.evses.flatMap((e: any) => e.connectors)).find((c: any) => c.tariff_ids.length > 0);
  if (!connector) {
    log('   (no connector with a tariff in the results)');
    return;
  }
  const priceUrl = `${service.url}/api/v1/connectors/${connector.id}/price-estimate?energy_kwh=20&duration_minutes=45`;
  log(`\n== What 20 kWh in 45 minutes costs at connector ${connector.ocpi_id} (${connector.standard}, ${connector.max_power_kw} kW):`);
  log(`   curl -s -H 'X-API-Key: ${key}' '${priceUrl}'`);
  const price = await (await fetch(priceUrl, { headers: { 'X-API-Key': key } })).json();
  log(indent(JSON.stringify(price, null, 2), 60));
}

function isTariffLike(o: unknown): boolean {
  const x = o as Record<string, unknown>;
  return 'elements' in x || 'currency' in x || 'tariff_alt_text' in x;
}

function tariffIdsOf(tariffs: unknown[]): string[] {
  return tariffs.map((t) => (t as { id: string }).id);
}

function indent(text: string, maxLines: number): string {
  const lines = text.split('\n');
  const shown = lines.slice(0, maxLines).map((l) => `   ${l}`);
  if (lines.length > maxLines) shown.push(`   … ${lines.length - maxLines} more lines (run the curl above for all)`);
  return shown.join('\n');
}

function relative(path: string): string {
  return path.startsWith(process.cwd()) ? `.${path.slice(process.cwd().length)}` : path;
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

void main();
