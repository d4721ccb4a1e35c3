/**
 * The simulator's Receiver interfaces for what an eMSP sends a CPO, written from the spec alone (never imports src/):
 * - Commands (mod_commands 2.2.1 / 2.3.0 §Receiver Interface, 2.1.1 §2.1 CPO Interface): POST {commands}/{command}
 *   answered with a CommandResponse as configured per command (ACCEPTED, REJECTED, NOT_SUPPORTED, UNKNOWN_SESSION,
 *   with a timeout in 2.2+), then the Charge Point's result posted to the response_url at once, held until the test
 *   posts it (late), or never.
 * - Tokens (mod_tokens 2.2.1 / 2.3.0 §Receiver Interface, 2.1.1 §2.1 CPO Interface): PUT and PATCH of
 *   {tokens}/{country_code}/{party_id}/{uid}[?type=], kept in arrival order; can be "down" (HTTP 503) and back.
 */
import { randomUUID } from 'node:crypto';
import { encodeAuthorization } from './auth';
import { fail, ok, OcpiStatus, type OcpiReply } from './http-envelope';
import type { JsonBody } from './http-request';
import { isRecord } from './guards';
import { sendingEncoding, type SimulatorContext } from './simulator-context';

/** CommandType (mod_commands 2.2.1 §CommandType). */
export type SimulatedCommand = 'CANCEL_RESERVATION' | 'RESERVE_NOW' | 'START_SESSION' | 'STOP_SESSION' | 'UNLOCK_CONNECTOR';

/** How the simulated CPO and Charge Point answer one kind of command. */
export interface CommandAnswer {
  /** CommandResponseType of the immediate answer. Default ACCEPTED. */
  response?: 'ACCEPTED' | 'REJECTED' | 'NOT_SUPPORTED' | 'UNKNOWN_SESSION';
  /** CommandResponse.timeout in seconds (2.2+ only). Default 30. */
  timeout?: number;
  /**
   * After an ACCEPTED answer: a CommandResultType posted to the response_url right after answering (default
   * ACCEPTED; 2.1.1 posts a CommandResponse with it), 'HELD' (kept until postResult: a late result) or 'NEVER'.
   */
  result?: string;
}

/** A command the simulator received. */
export interface ReceivedCommand {
  command: string;
  body: Record<string, unknown>;
  /** What posting its result got back (null while held, never posted, or in flight). */
  posted: { httpStatus: number; ocpiStatus: number | null } | null;
  /** Why posting its result in the background failed three times, if it did. */
  postFailure?: string;
}

/** One Token push received. */
export interface ReceivedTokenPush {
  method: 'PUT' | 'PATCH';
  path: string[];
  type: string | null;
  body: Record<string, unknown>;
  /** performance.now() of the simulator's process when the push was accepted (a monotonic clock, for latency benches). */
  receivedAtMs: number;
}

/** The receivers' state in the simulator context. */
export interface ReceiversState {
  /** Receiver interfaces listed in version details and served. */
  modules: Set<'commands' | 'tokens'>;
  answers: Partial<Record<SimulatedCommand, CommandAnswer>>;
  commands: ReceivedCommand[];
  tokenPushes: ReceivedTokenPush[];
  /** Token PUTs and PATCHes merged, by "country/party/uid/type" (type RFID in 2.1.1). */
  tokens: Map<string, Record<string, unknown>>;
  /** While true the Tokens Receiver answers HTTP 503 (the CPO is down). */
  tokensDown: boolean;
  /** Token uids whose PUT or PATCH is refused with OCPI 2001 (HTTP 400). */
  tokensRefused: Set<string>;
  /** How long the Tokens Receiver takes over a PUT or PATCH before taking it in, ms (a slow CPO: the push is in flight). */
  tokensDelayMs: number;
}

export function newReceiversState(modules: Array<'commands' | 'tokens'> = [], answers: ReceiversState['answers'] = {}): ReceiversState {
  return { modules: new Set(modules), answers: { ...answers }, commands: [], tokenPushes: [], tokens: new Map(), tokensDown: false, tokensRefused: new Set(), tokensDelayMs: 0 };
}

/** POST {commands}/{command}. */
export async function handleCommands(method: string, rest: string[], readBody: () => Promise<JsonBody>, ctx: SimulatorContext): Promise<OcpiReply> {
  if (method !== 'POST') return fail(405, OcpiStatus.CLIENT_ERROR, `${method} is not supported on commands`);
  const command = rest[0] as SimulatedCommand | undefined;
  const known: string[] = ['RESERVE_NOW', 'START_SESSION', 'STOP_SESSION', 'UNLOCK_CONNECTOR', ...(ctx.adapter.version === '2.1.1' ? [] : ['CANCEL_RESERVATION'])];
  if (rest.length !== 1 || !command || !known.includes(command)) return fail(404, OcpiStatus.CLIENT_ERROR, `Unknown command ${rest.join('/')}`);
  const body = await readBody();
  if (!body.ok || !isRecord(body.value)) return fail(400, OcpiStatus.INVALID_PARAMETERS, 'Body must be a JSON object');
  const value = body.value;
  if (typeof value.response_url !== 'string') return ok(commandResponse(ctx, 'REJECTED', 0));
  const received: ReceivedCommand = { command, body: value, posted: null };
  ctx.receivers.commands.push(received);
  const answer = ctx.receivers.answers[command] ?? {};
  const response = answer.response ?? 'ACCEPTED';
  const result = answer.result ?? 'ACCEPTED';
  if (response === 'ACCEPTED' && result !== 'HELD' && result !== 'NEVER') {
    // After our answer has gone out, as a Charge Point's answer would come.
    setTimeout(() => void postResultInBackground(ctx, received, { result }), 10);
  }
  return ok(commandResponse(ctx, response, answer.timeout ?? 30));
}

function commandResponse(ctx: SimulatorContext, result: string, timeout: number): Record<string, unknown> {
  // mod_commands 2.1.1 §3.1: result only; 2.2.1 §CommandResponse Object: result and timeout.
  return ctx.adapter.version === '2.1.1' ? { result } : { result, timeout };
}

/**
 * The CommandResult a Charge Point's answer brings, posted on its own: a connection that fails (refused, or closed by
 * the other side while reused) is tried again twice, 200 ms apart, as a CPO's retry would; a last failure is recorded
 * on the command (`post_failure`), never thrown: no test waits on it.
 */
async function postResultInBackground(ctx: SimulatorContext, received: ReceivedCommand, body: unknown): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await postResult(ctx, received, body);
      return;
    } catch (error) {
      if (attempt >= 3) {
        received.postFailure = (error as Error).message;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** POSTs `body` to the command's response_url (or any `url`) with our token; records and returns what came back. */
export async function postResult(ctx: SimulatorContext, received: ReceivedCommand | { url: string }, body: unknown): Promise<{ httpStatus: number; ocpiStatus: number | null }> {
  const url = 'url' in received ? received.url : String(received.body.response_url);
  const token = ctx.registration.snapshot().tokenForClient;
  if (!token) throw new Error('not registered with an eMSP');
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      Authorization: encodeAuthorization(token, sendingEncoding(ctx)),
      'Content-Type': 'application/json',
      ...(ctx.adapter.routingHeaders ? { 'X-Request-ID': randomUUID(), 'X-Correlation-ID': randomUUID() } : {}),
    },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(5000),
  });
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(await response.text());
  } catch {
    // not JSON: the HTTP status says it
  }
  const outcome = { httpStatus: response.status, ocpiStatus: isRecord(parsed) && typeof parsed.status_code === 'number' ? parsed.status_code : null };
  if (!('url' in received)) received.posted = outcome;
  return outcome;
}

/** PUT / PATCH {tokens}/{country_code}/{party_id}/{uid}[?type=] (mod_tokens 2.2.1 §Receiver Interface). */
export async function handleTokensReceiver(method: string, rest: string[], params: URLSearchParams, readBody: () => Promise<JsonBody>, ctx: SimulatorContext): Promise<OcpiReply> {
  const state = ctx.receivers;
  if (state.tokensDown) return fail(503, OcpiStatus.SERVER_ERROR, 'Tokens Receiver temporarily unavailable');
  if (rest.length !== 3) return fail(404, OcpiStatus.CLIENT_ERROR, `Unknown path below tokens: ${rest.join('/')}`);
  const type = ctx.adapter.version === '2.1.1' ? null : (params.get('type') ?? 'RFID');
  const key = `${rest.join('/')}/${type ?? 'RFID'}`;
  if (method === 'GET') {
    const token = state.tokens.get(key);
    return token ? ok(token) : fail(404, OcpiStatus.CLIENT_ERROR, 'Unknown Token');
  }
  if (method !== 'PUT' && method !== 'PATCH') return fail(405, OcpiStatus.CLIENT_ERROR, `${method} is not supported on tokens`);
  const body = await readBody();
  if (!body.ok || !isRecord(body.value)) return fail(400, OcpiStatus.INVALID_PARAMETERS, 'Body must be a JSON object');
  if (state.tokensRefused.has(rest[2])) return fail(400, OcpiStatus.INVALID_PARAMETERS, 'This Token is refused (simulator setting)');
  const value = body.value;
  if (method === 'PUT' && (value.uid !== rest[2] || typeof value.valid !== 'boolean'))
    return fail(400, OcpiStatus.INVALID_PARAMETERS, 'Token uid must match the URL, valid is required');
  // mod_tokens 2.2.1 §PATCH Method: "Any request to the PATCH method SHALL contain the last_updated field".
  if (method === 'PATCH' && ctx.adapter.version !== '2.1.1' && typeof value.last_updated !== 'string') return fail(400, OcpiStatus.INVALID_PARAMETERS, 'last_updated is required');
  if (state.tokensDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, state.tokensDelayMs));
  const held = state.tokens.get(key);
  if (method === 'PATCH' && !held) return fail(404, OcpiStatus.CLIENT_ERROR, 'Unknown Token');
  state.tokenPushes.push({ method, path: rest, type, body: value, receivedAtMs: performance.now() });
  state.tokens.set(key, method === 'PUT' ? value : { ...held, ...value });
  return ok();
}
