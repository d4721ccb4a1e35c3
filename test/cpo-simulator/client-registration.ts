/**
 * The simulator as client of the eMSP's credentials module (credentials §Interfaces and endpoints):
 * - register: CPO-initiated registration (credentials 2.2.1 §Registration with the CPO as Sender): with the
 *   eMSP's token A, read its versions and details, POST our credentials with a new token B, keep its token C;
 * - update: PUT new credentials (§Updating the credentials and resetting the token);
 * - unregister: DELETE (§DELETE).
 * Our new token is accepted from the moment we offer it, since the eMSP calls our versions with it while
 * our POST or PUT is open.
 */
import { fetchClientVersionDetails } from './client-api';
import { callClient } from './client-http';
import type { OcpiVersionDetails } from './ocpi-types';
import { ownCredentials, type SimulatorContext } from './simulator-context';

/** Takes the eMSP's versions URL, a token for it and the context; resolves to its details for the version we use. */
async function clientDetails(ctx: SimulatorContext, versionsUrl: string, token: string): Promise<OcpiVersionDetails> {
  const result = await fetchClientVersionDetails(versionsUrl, token, ctx, ctx.quirks.credentialsVersion ?? ctx.adapter.version);
  if (!result.ok) throw new Error(result.message);
  return result.details;
}

function credentialsUrl(details: OcpiVersionDetails): string {
  const url = details.endpoints.find((e) => e.identifier === 'credentials')?.url;
  if (!url) throw new Error(`The eMSP's ${details.version} endpoints list no credentials endpoint`);
  return url;
}

/** POST or PUT our credentials with a freshly offered token; keeps the eMSP's answer. */
async function sendCredentials(ctx: SimulatorContext, method: 'POST' | 'PUT', details: OcpiVersionDetails, token: string): Promise<void> {
  const offered = ctx.registration.offer();
  try {
    const data = await callClient(ctx, { method, url: credentialsUrl(details), token, body: ownCredentials(ctx, offered) });
    const parsed = ctx.adapter.parseClientCredentials(data);
    if (!parsed.ok) throw new Error(`The eMSP answered invalid credentials: ${parsed.errors.join('; ')}`);
    ctx.registration.confirm(parsed.value, details);
  } catch (error) {
    ctx.registration.abandon();
    throw error;
  }
}

/** CPO-initiated registration. Rejects with the eMSP's answer when it fails. */
export async function registerWithClient(ctx: SimulatorContext, versionsUrl: string, tokenA: string): Promise<void> {
  if (ctx.registration.registered) throw new Error('Already registered: use updateCredentials');
  await sendCredentials(ctx, 'POST', await clientDetails(ctx, versionsUrl, tokenA), tokenA);
}

/**
 * PUT new credentials; the eMSP's details are read again first (they may have moved or changed version). With
 * `answerLost`, see CpoSimulator.updateCredentials.
 */
export async function updateClientCredentials(ctx: SimulatorContext, options: { answerLost?: 'keep-old' | 'keep-new' } = {}): Promise<void> {
  const client = ctx.registration.client;
  if (!client) throw new Error('Not registered');
  const details = await clientDetails(ctx, client.url, client.token);
  if (!options.answerLost) return sendCredentials(ctx, 'PUT', details, client.token);
  const offered = ctx.registration.offer();
  const cut = new AbortController();
  let uses = 0;
  // The eMSP reads our versions, then our details, with the offered token; after that it applies the PUT and answers.
  ctx.onOfferedTokenUse = () => {
    uses += 1;
    if (uses >= 2) cut.abort();
  };
  try {
    await callClient(ctx, { method: 'PUT', url: credentialsUrl(details), token: client.token, body: ownCredentials(ctx, offered), signal: cut.signal });
  } catch {
    // The answer we chose to lose (or, if the eMSP failed before answering, its error: lost all the same).
  } finally {
    ctx.onOfferedTokenUse = undefined;
  }
  if (options.answerLost === 'keep-old') ctx.registration.abandon();
  else ctx.registration.commitOffered();
}

/** DELETE our registration at the eMSP, then forget it. */
export async function unregisterFromClient(ctx: SimulatorContext): Promise<void> {
  const client = ctx.registration.client;
  const details = ctx.registration.clientDetails;
  if (!client || !details) throw new Error('Not registered');
  await callClient(ctx, { method: 'DELETE', url: credentialsUrl(details), token: client.token });
  ctx.registration.unregister();
}
