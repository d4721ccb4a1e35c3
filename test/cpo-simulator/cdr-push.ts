/**
 * The simulator as a CDRs Sender pushing to the eMSP (mod_cdrs 2.2.1 §Receiver Interface §POST Method, 2.1.1 §2.2.2):
 * POST the full CDR to the cdrs endpoint the eMSP listed in its version details (2.2+: role RECEIVER), with the token
 * for the eMSP; the answer's HTTP status, OCPI status and Location header are returned, never thrown.
 */
import { randomUUID } from 'node:crypto';
import { encodeAuthorization } from './auth';
import { isRecord } from './guards';
import { sendingEncoding, type SimulatorContext } from './simulator-context';

export interface PushResult {
  httpStatus: number;
  ocpiStatus: number | null;
  message: string | null;
  /** The Location header: the URL to GET the CDR back. */
  location: string | null;
}

/** @throws Error when not registered or the eMSP lists no cdrs Receiver endpoint. */
export async function pushCdr(ctx: SimulatorContext, cdr: unknown): Promise<PushResult> {
  const state = ctx.registration.snapshot();
  const endpoint = state.clientVersionDetails?.endpoints.find((e) => e.identifier === 'cdrs' && (e.role === undefined || e.role === 'RECEIVER'));
  if (!state.tokenForClient || !endpoint) throw new Error('not registered, or the eMSP lists no cdrs Receiver endpoint');
  const response = await fetch(endpoint.url, {
    method: 'POST',
    headers: {
      Authorization: encodeAuthorization(state.tokenForClient, sendingEncoding(ctx)),
      'Content-Type': 'application/json',
      ...(ctx.adapter.routingHeaders ? { 'X-Request-ID': randomUUID(), 'X-Correlation-ID': randomUUID() } : {}),
    },
    body: JSON.stringify(cdr),
    signal: AbortSignal.timeout(5000),
  });
  let body: unknown = null;
  try {
    body = JSON.parse(await response.text());
  } catch {
    // not JSON: reported through the status alone
  }
  return {
    httpStatus: response.status,
    ocpiStatus: isRecord(body) && typeof body.status_code === 'number' ? body.status_code : null,
    message: isRecord(body) && typeof body.status_message === 'string' ? body.status_message : null,
    location: response.headers.get('location'),
  };
}
