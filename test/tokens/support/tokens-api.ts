/** Calls the internal Tokens API (and the operations token scope) of a test service, as the app backend would. */
import { TEST_INTERNAL_API_KEY, TEST_OPERATIONS_API_KEY, TestService } from '../../support/test-service';

export interface ApiAnswer {
  status: number;
  body: any;
}

async function call(service: TestService, key: string, method: string, path: string, body?: unknown): Promise<ApiAnswer> {
  const response = await fetch(`${service.url}${path}`, {
    method,
    headers: { 'X-API-Key': key, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** The internal API under /api/v1/tokens with the internal key. */
export function tokensApi(service: TestService) {
  return {
    create: (token: unknown) => call(service, TEST_INTERNAL_API_KEY, 'POST', '/api/v1/tokens', token),
    import: (tokens: unknown) => call(service, TEST_INTERNAL_API_KEY, 'POST', '/api/v1/tokens/import', tokens),
    get: (type: string, uid: string) => call(service, TEST_INTERNAL_API_KEY, 'GET', `/api/v1/tokens/${type}/${encodeURIComponent(uid)}`),
    update: (type: string, uid: string, change: unknown) => call(service, TEST_INTERNAL_API_KEY, 'PATCH', `/api/v1/tokens/${type}/${encodeURIComponent(uid)}`, change),
    block: (type: string, uid: string) => call(service, TEST_INTERNAL_API_KEY, 'POST', `/api/v1/tokens/${type}/${encodeURIComponent(uid)}/block`),
    list: (query = '') => call(service, TEST_INTERNAL_API_KEY, 'GET', `/api/v1/tokens${query}`),
    setScope: (connectionId: string, scope: unknown) => call(service, TEST_OPERATIONS_API_KEY, 'PUT', `/api/v1/operations/connections/${connectionId}/token-scope`, scope),
  };
}

/** A minimal valid Token for the internal API (mod_tokens 2.2.1 §Token Object required fields, ours added by the service). */
export function aToken(uid: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { uid, type: 'RFID', contract_id: `NL-TST-C${uid}`.slice(0, 36), issuer: 'Test eMSP', ...extra };
}

/** Waits until `check` passes, for what another instance learns by polling; rethrows its last failure after `timeoutMs`. */
export async function eventually(check: () => Promise<void>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
