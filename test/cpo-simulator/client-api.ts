/**
 * Calling the client back during registration (credentials 2.2.1 §POST: "The server must also
 * fetch the client's endpoints for this version"; §Errors during registration → 3001).
 */
import { randomUUID } from 'node:crypto';
import { OcpiStatus } from './http-envelope';
import type { OcpiEndpoint, OcpiVersionDetails } from './ocpi-types';
import type { SimulatorVersionAdapter } from './versions';
import { isRecord } from './guards';

const CLIENT_TIMEOUT_MS = 5000;

/** The outcome: the client's details for our version, or the OCPI status code to answer with. */
export type FetchClientResult =
  | { ok: true; details: OcpiVersionDetails }
  | { ok: false; statusCode: number; message: string };

class ClientApiError extends Error {}

/** GET one OCPI URL with token B; returns the envelope's `data` or throws ClientApiError. */
async function getOcpiData(url: string, authorization: string, correlationId: string): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { Authorization: authorization, 'X-Request-ID': randomUUID(), 'X-Correlation-ID': correlationId },
      signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
    });
  } catch (error) {
    throw new ClientApiError(`GET ${url} failed: ${(error as Error).message}`);
  }
  const text = await response.text();
  if (!response.ok) throw new ClientApiError(`GET ${url} answered HTTP ${response.status}`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ClientApiError(`GET ${url} did not answer JSON`);
  }
  if (!isRecord(body) || typeof body.status_code !== 'number') throw new ClientApiError(`GET ${url} did not answer an OCPI envelope`);
  if (body.status_code < 1000 || body.status_code > 1999) throw new ClientApiError(`GET ${url} answered status_code ${body.status_code}`);
  return body.data;
}

function isEndpoint(value: unknown): value is OcpiEndpoint {
  return isRecord(value) && typeof value.identifier === 'string' && typeof value.url === 'string';
}

/**
 * Takes the client's versions URL, its token B and our version adapter; GETs the versions list,
 * picks our version, GETs its details. Returns the details, or 3001 (client API unusable) /
 * 3002 (client does not offer our version).
 */
export async function fetchClientVersionDetails(
  versionsUrl: string,
  tokenB: string,
  adapter: SimulatorVersionAdapter,
): Promise<FetchClientResult> {
  const authorization = adapter.encodeAuthorization(tokenB);
  const correlationId = randomUUID();
  try {
    const versions = await getOcpiData(versionsUrl, authorization, correlationId);
    if (!Array.isArray(versions)) throw new ClientApiError('versions data is not a list');
    const mine = versions.find((v) => isRecord(v) && v.version === adapter.version);
    if (!isRecord(mine) || typeof mine.url !== 'string') {
      return { ok: false, statusCode: OcpiStatus.UNSUPPORTED_VERSION, message: `Client does not offer OCPI ${adapter.version}` };
    }
    const details = await getOcpiData(mine.url, authorization, correlationId);
    if (!isRecord(details) || !Array.isArray(details.endpoints) || !details.endpoints.every(isEndpoint)) {
      throw new ClientApiError('version details data has no valid endpoints list');
    }
    return { ok: true, details: { version: String(details.version), endpoints: details.endpoints } };
  } catch (error) {
    if (!(error instanceof ClientApiError)) throw error;
    return { ok: false, statusCode: OcpiStatus.UNABLE_TO_USE_CLIENT_API, message: `Unable to use the client's API: ${error.message}` };
  }
}
