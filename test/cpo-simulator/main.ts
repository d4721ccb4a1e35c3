/**
 * Standalone CPO simulator:
 *   npm run simulator -- --port 9000 --locations 200 --seed 7 --lat 52.37 --lon 4.90
 * Serves generated Locations (connectors referring to the specification's example Tariffs),
 * those Tariffs, and prints the versions URL and token A to register with.
 * Flags: --host, --port, --version 2.1.1|2.2.1|2.3.0, --locations N, --seed, --lat, --lon, --radius KM,
 * --country-code, --party-id, --token-a, --max-page-limit, --with-fixture-locations.
 * With --version 2.1.1 the objects are rewritten as 2.1.1 ones; with 2.3.0 they get the 2.3.0 additions.
 */
import { startCpoSimulator } from './cpo-simulator';
import { loadFixtureLocations, loadFixtureTariffs } from './fixtures';
import { generateLocations } from './location-generator';
import type { RawObject, SimulatorVersionId } from './ocpi-types';
import { toOcpi211Location, toOcpi211Tariff } from './versions/objects-2-1-1';
import { withOcpi230Fields } from './versions/objects-2-3-0';

/** Takes argv after the script; returns `--name value` pairs (bare `--flag` → 'true'). */
export function parseFlags(argv: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new Error(`Unexpected argument: ${arg}`);
    const [name, inline] = arg.slice(2).split('=', 2);
    if (inline !== undefined) flags.set(name, inline);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) flags.set(name, argv[++i]);
    else flags.set(name, 'true');
  }
  return flags;
}

function numberFlag(flags: Map<string, string>, name: string, fallback: number): number {
  const raw = flags.get(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`--${name} must be a number, got "${raw}"`);
  return value;
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const owner = { countryCode: flags.get('country-code') ?? 'NL', partyId: flags.get('party-id') ?? 'SIM' };
  const tariffs = loadFixtureTariffs(owner);
  const tariffIds = [...new Set(tariffs.map((t) => String(t.id)))];
  const generated = generateLocations({
    ...owner,
    count: numberFlag(flags, 'locations', 100),
    seed: numberFlag(flags, 'seed', 1),
    center: { latitude: numberFlag(flags, 'lat', 52.3676), longitude: numberFlag(flags, 'lon', 4.9041) },
    radiusKm: numberFlag(flags, 'radius', 10),
    tariffIds,
  });
  const all: RawObject[] = flags.has('with-fixture-locations') ? [...loadFixtureLocations(owner), ...(generated as unknown as RawObject[])] : (generated as unknown as RawObject[]);
  const version = (flags.get('version') ?? '2.2.1') as SimulatorVersionId;
  const locations = version === '2.1.1' ? all.map((l) => toOcpi211Location(l)) : version === '2.3.0' ? all.map((l, i) => withOcpi230Fields(l, i + 1)) : all;
  const simulator = await startCpoSimulator({
    ...owner,
    version,
    host: flags.get('host') ?? '127.0.0.1',
    port: numberFlag(flags, 'port', 0),
    tokenA: flags.get('token-a'),
    maxPageLimit: numberFlag(flags, 'max-page-limit', 50),
    locations,
    tariffs: version === '2.1.1' ? tariffs.map((t) => toOcpi211Tariff(t)) : tariffs,
  });
  process.stdout.write(
    [
      `OCPI ${version} CPO simulator (${owner.countryCode}/${owner.partyId}) serving ${locations.length} locations, ${tariffs.length} tariffs`,
      `versions URL: ${simulator.versionsUrl}`,
      `token A:      ${simulator.tokenA}`,
      '',
    ].join('\n'),
  );
  const stop = (): void => void simulator.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  });
}
