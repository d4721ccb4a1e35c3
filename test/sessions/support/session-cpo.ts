/**
 * A simulated CPO of one OCPI version serving Locations, the simple Tariffs its own billing can price, CDRs, and
 * Sessions: the COMPLETED sessions those CDRs close (and two more whose CDRs it does not serve yet), a running session
 * with growing ChargingPeriods, one abandoned hours ago while ACTIVE, and an invalid one. Registered with the test
 * service through the operations API.
 */
import { generateCdrs, runningSession, sessionsOfCdrs, type CpoSimulatorOptions } from '../../cpo-simulator';
import { simpleTariffs, tariffFor, Version } from '../../cdrs/support/cdr-cpo';
import { locationsFor } from '../../support/ocpi-versions';
import { registerCpo, RegisteredCpo } from '../../support/registered-cpo';
import { TestService } from '../../support/test-service';

export type { Version };

const MINUTE = 60_000;

export interface SessionCpo extends RegisteredCpo {
  version: Version;
  owner: { countryCode: string; partyId: string };
  locations: Array<Record<string, any>>;
  tariffs: Array<Record<string, any>>;
  /** Generated CDRs 0..3; the CPO serves 0 and 1 only (the others are "lost" until a test serves them). */
  cdrs: Array<Record<string, any>>;
  /** The COMPLETED sessions of cdrs 0..3, in that order. */
  completed: Array<Record<string, any>>;
  /** ACTIVE, 10-minute periods of 3 kWh, started 40 minutes before `now`, as of 20 minutes before `now` (2 periods). */
  running: Record<string, any>;
  /** The same session as of `at` (epoch ms). */
  runningAt(at: number): Record<string, any>;
  /** ACTIVE, last updated 4 hours before `now`. */
  abandoned: Record<string, any>;
  invalid: Record<string, any>;
  /** Whole seconds, epoch ms: the instant the sessions are generated around. */
  now: number;
  /** Serves these sessions instead (null: no Sessions module). */
  serve(sessions: Array<Record<string, any>> | null): void;
}

export async function startSessionCpo(
  service: TestService,
  version: Version,
  owner: { countryCode: string; partyId: string },
  extra: Partial<CpoSimulatorOptions> = {},
): Promise<SessionCpo> {
  const now = Math.floor(Date.now() / 1000) * 1000;
  const locations = locationsFor(version, { count: 3, seed: 11, center: { latitude: 50.85, longitude: 4.35 }, radiusKm: 3, tariffIds: ['AC-KWH', 'AC-TIME'], ...owner }) as Array<
    Record<string, any>
  >;
  const tariffs = simpleTariffs(owner).map((t) => tariffFor(version, t));
  const firstDay = new Date(now - 10 * 86_400_000).toISOString().slice(0, 10);
  const cdrs = generateCdrs({ version, locations, tariffs, ...owner, count: 4, seed: 5, firstDay, mispriced: [1] });
  const completed = sessionsOfCdrs(version, cdrs);
  const base = { version, locations, tariffs, ...owner, periodMinutes: 10 };
  const runningAt = (at: number) => runningSession({ ...base, id: 'RUNNING-1', start: now - 40 * MINUTE, at, tokenUid: 'UID-RUN', contractId: 'NL-EMS-C-RUNNER' });
  const running = runningAt(now - 20 * MINUTE);
  const abandoned = runningSession({ ...base, id: 'ABANDONED-1', start: now - 5 * 60 * MINUTE, at: now - 4 * 60 * MINUTE, site: 1 });
  // mod_sessions §Session object: cdr_token (2.2.1+) / auth_id (2.1.1) is required.
  const invalid = { ...completed[0], id: 'S-INVALID' } as Record<string, any>;
  delete invalid[version === '2.1.1' ? 'auth_id' : 'cdr_token'];
  const sessions = [...completed, running, invalid, abandoned];
  const cpo = await registerCpo(service, { version, ...owner, locations, tariffs, cdrs: cdrs.slice(0, 2), sessions, maxPageLimit: 3, ...extra });
  return {
    ...cpo,
    version,
    owner,
    locations,
    tariffs,
    cdrs,
    completed,
    running,
    runningAt,
    abandoned,
    invalid,
    now,
    serve: (list) => cpo.simulator.setSessions(list),
  };
}
