/**
 * Reading the client's versions and version details (version_information_endpoint §Versions, §Version
 * details), when the eMSP registers with us (credentials 2.2.1 §POST: "The server must also fetch the
 * client's endpoints for this version"; §Errors during registration → 3001) and when we register with it.
 */
import { randomUUID } from 'node:crypto';
import { ClientApiError, callClient } from './client-http';
import { isRecord } from './guards';
import { OcpiStatus } from './http-envelope';
import type { OcpiEndpoint, OcpiVersionDetails } from './ocpi-types';
import type { SimulatorContext } from './simulator-context';

/** The outcome: the client's details for the version, or the OCPI status code to answer with. */
export type FetchClientResult = { ok: true; details: OcpiVersionDetails } | { ok: false; statusCode: number; message: string };

function isEndpoint(value: unknown): value is OcpiEndpoint {
  return isRecord(value) && typeof value.identifier === 'string' && typeof value.url === 'string';
}

/**
 * Takes the client's versions URL, a token for it, the context and the version wanted (default: the
 * served one); GETs the versions list, picks that version, GETs its details. Returns the details, or
 * 3001 (client API unusable) / 3002 (client does not offer the version).
 */
export async function fetchClientVersionDetails(versionsUrl: string, token: string, ctx: SimulatorContext, version = ctx.adapter.version): Promise<FetchClientResult> {
  const correlationId = randomUUID();
  try {
    const versions = await callClient(ctx, { method: 'GET', url: versionsUrl, token, correlationId });
    if (!Array.isArray(versions)) throw new ClientApiError('versions data is not a list', 200, null);
    const mine = versions.find((v) => isRecord(v) && v.version === version);
    if (!isRecord(mine) || typeof mine.url !== 'string') {
      return { ok: false, statusCode: OcpiStatus.UNSUPPORTED_VERSION, message: `Client does not offer OCPI ${version}` };
    }
    const details = await callClient(ctx, { method: 'GET', url: mine.url, token, correlationId });
    if (!isRecord(details) || !Array.isArray(details.endpoints) || !details.endpoints.every(isEndpoint)) {
      throw new ClientApiError('version details data has no valid endpoints list', 200, null);
    }
    return { ok: true, details: { version: String(details.version), endpoints: details.endpoints } };
  } catch (error) {
    if (!(error instanceof ClientApiError)) throw error;
    return { ok: false, statusCode: OcpiStatus.UNABLE_TO_USE_CLIENT_API, message: `Unable to use the client's API: ${error.message}` };
  }
}
