/**
 * One OCPI call from the simulator to the eMSP, with the Authorization header in the encoding the
 * simulator sends and fresh X-Request-ID / X-Correlation-ID (transport_and_format 2.2.1 §Unique message
 * IDs); recorded in the client call log with whether the response echoed those ids.
 */
import { randomUUID } from 'node:crypto';
import { encodeAuthorization } from './auth';
import { isRecord } from './guards';
import { sendingEncoding, type SimulatorContext } from './simulator-context';

const CLIENT_TIMEOUT_MS = 5000;

/** A call that produced no usable OCPI envelope, or an error status; `message` says why. */
export class ClientApiError extends Error {
  constructor(
    message: string,
    readonly httpStatus: number,
    readonly ocpiStatus: number | null,
  ) {
    super(message);
  }
}

/** Takes the call; resolves to the envelope's `data` on HTTP 2xx with status_code 1xxx, else throws ClientApiError. */
export async function callClient(
  ctx: SimulatorContext,
  call: { method: string; url: string; token: string; body?: unknown; correlationId?: string; signal?: AbortSignal },
): Promise<unknown> {
  const encoding = sendingEncoding(ctx);
  const requestId = randomUUID();
  const correlationId = call.correlationId ?? randomUUID();
  const entry = {
    method: call.method,
    url: call.url,
    status: 0,
    ocpiStatus: null as number | null,
    authorizationEncoding: encoding,
    requestIdEchoed: false,
    correlationIdEchoed: false,
  };
  ctx.clientCalls.push(entry);
  let response: Response;
  try {
    response = await fetch(call.url, {
      method: call.method,
      headers: {
        Authorization: encodeAuthorization(call.token, encoding),
        'X-Request-ID': requestId,
        'X-Correlation-ID': correlationId,
        ...(call.body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
      signal: call.signal ? AbortSignal.any([call.signal, AbortSignal.timeout(CLIENT_TIMEOUT_MS)]) : AbortSignal.timeout(CLIENT_TIMEOUT_MS),
    });
  } catch (error) {
    throw new ClientApiError(`${call.method} ${call.url} failed: ${(error as Error).message}`, 0, null);
  }
  entry.status = response.status;
  entry.requestIdEchoed = response.headers.get('x-request-id') === requestId;
  entry.correlationIdEchoed = response.headers.get('x-correlation-id') === correlationId;
  let body: unknown;
  try {
    body = JSON.parse(await response.text());
  } catch {
    throw new ClientApiError(`${call.method} ${call.url} did not answer JSON (HTTP ${response.status})`, response.status, null);
  }
  const ocpiStatus = isRecord(body) && typeof body.status_code === 'number' ? body.status_code : null;
  entry.ocpiStatus = ocpiStatus;
  const message = isRecord(body) && typeof body.status_message === 'string' ? `: ${body.status_message}` : '';
  if (!response.ok) throw new ClientApiError(`${call.method} ${call.url} answered HTTP ${response.status}${message}`, response.status, ocpiStatus);
  if (ocpiStatus === null) throw new ClientApiError(`${call.method} ${call.url} did not answer an OCPI envelope`, response.status, null);
  if (ocpiStatus < 1000 || ocpiStatus > 1999) throw new ClientApiError(`${call.method} ${call.url} answered status_code ${ocpiStatus}${message}`, response.status, ocpiStatus);
  return (body as Record<string, unknown>).data;
}
