/**
 * The demo's commands part: the app starts a charge through the internal API (START_SESSION to the 2.2.1 CPO's
 * Commands Receiver), the authorization it was given, the Session the CPO then pushes (linked by its
 * authorization_reference) with its cost so far, and the stop (STOP_SESSION). The simulated CPO answers ACCEPTED and
 * posts the Charge Point's result at once.
 */
import { pushClientFor, runningSession } from '../test/cpo-simulator';
import { LiveDemoContext, SessionLineView, sessionLine } from './demo-live';

type Raw = Record<string, unknown>;

/** How long the app may take to show a command's result or a pushed Session before the demo calls it a failure. */
const DEADLINE_MS = 10_000;

interface CommandView {
  id: string;
  state: string;
  authorization_reference: string | null;
  response: { result: string; timeout: number | null } | null;
  session: { id: string; session_id: string; status: string } | null;
}

/** Runs the commands part; `connectionId` is the 2.2.1 CPO's connection. @throws Error when a step does not come through. */
export async function showCommands(ctx: LiveDemoContext, connectionId: string): Promise<void> {
  const sim = ctx.cpo.simulator;
  log(`\n== Commands: the app starts and stops a charge at ${sim.countryCode}*${sim.partyId} (mod_commands 2.2.1)`);
  const token = { uid: 'DEMO-APP-1', type: 'APP_USER' };
  await call(ctx, 'POST', '/api/v1/tokens', { ...token, contract_id: 'NL-EMS-C-DEMOAPP1', issuer: 'Demo eMSP', whitelist: 'NEVER' });
  const location = ctx.cpo.locations[1] ?? ctx.cpo.locations[0];
  const evse = (location.evses as Raw[])[0];
  const body = { connection_id: connectionId, token, location_id: location.id, evse_uid: evse.uid };
  log(`   curl -s -X POST -H 'X-API-Key: ${ctx.internalKey}' -H 'Content-Type: application/json' '${ctx.serviceUrl}/api/v1/commands/START_SESSION' -d '${JSON.stringify(body)}'`);
  const started = await call<CommandView>(ctx, 'POST', '/api/v1/commands/START_SESSION', body);
  log(`   the CPO answered ${started.response?.result} (result within ${started.response?.timeout} s); authorization_reference ${started.authorization_reference}`);
  const accepted = await waitFor('the START_SESSION result', async () => {
    const view = await call<CommandView>(ctx, 'GET', `/api/v1/commands/${started.id}`);
    return view.state === 'AWAITING_RESULT' ? null : view;
  });
  log(`   the Charge Point's result: ${accepted.state}   (curl -s -H 'X-API-Key: ${ctx.internalKey}' '${ctx.serviceUrl}/api/v1/commands/${started.id}')`);

  // The CPO's Session of this charge, 30 min in, carrying our authorization_reference (mod_sessions 2.2.1 §Session Object).
  const now = Date.now();
  const session: Raw = {
    ...runningSession({
      version: '2.2.1',
      locations: ctx.cpo.locations,
      tariffs: ctx.cpo.tariffs,
      countryCode: sim.countryCode,
      partyId: sim.partyId,
      id: `CMD-${sim.partyId}-1`,
      start: now - 30 * 60_000,
      at: now,
      site: 1,
      tokenUid: token.uid,
      contractId: 'NL-EMS-C-DEMOAPP1',
    }),
    auth_method: 'COMMAND',
    authorization_reference: started.authorization_reference,
  };
  const pushed = await pushClientFor(sim).send({
    module: 'sessions',
    method: 'PUT',
    party: { countryCode: sim.countryCode, partyId: sim.partyId },
    ids: [String(session.id)],
    body: session,
  });
  if (pushed.httpStatus >= 300) throw new Error(`commands: the Session PUT was refused (HTTP ${pushed.httpStatus})`);
  const linked = await waitFor('the command to link its Session', async () => {
    const view = await call<CommandView>(ctx, 'GET', `/api/v1/commands/${started.id}`);
    return view.session ? view : null;
  });
  const running = await call<SessionLineView>(ctx, 'GET', `/api/v1/sessions/${linked.session!.id}`);
  log(`   the CPO pushed its Session, linked to the command: ${sessionLine(running)}`);

  const stop = { connection_id: connectionId, session_id: linked.session!.session_id };
  const stopping = await call<CommandView>(ctx, 'POST', '/api/v1/commands/STOP_SESSION', stop);
  const stopped = await waitFor('the STOP_SESSION result', async () => {
    const view = await call<CommandView>(ctx, 'GET', `/api/v1/commands/${stopping.id}`);
    return view.state === 'AWAITING_RESULT' ? null : view;
  });
  log(`   STOP_SESSION ${stop.session_id}: the CPO answered ${stopping.response?.result}, the Charge Point ${stopped.state}`);
}

async function call<T = unknown>(ctx: LiveDemoContext, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${ctx.serviceUrl}${path}`, {
    method,
    headers: { 'X-API-Key': ctx.internalKey, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await response.json()) as T;
  if (response.status >= 300) throw new Error(`commands: ${method} ${path} answered HTTP ${response.status}: ${JSON.stringify(json)}`);
  return json;
}

async function waitFor<T>(what: string, probe: () => Promise<T | null>): Promise<T> {
  const until = Date.now() + DEADLINE_MS;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > until) throw new Error(`commands: ${what} did not come within ${DEADLINE_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}
