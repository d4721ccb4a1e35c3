/** Calls the internal Commands API of a test service, as the app backend would. */
import { TEST_INTERNAL_API_KEY, TestService } from '../../support/test-service';

export interface ApiAnswer {
  status: number;
  body: any;
}

async function call(service: TestService, method: string, path: string, body?: unknown, key = TEST_INTERNAL_API_KEY): Promise<ApiAnswer> {
  const response = await fetch(`${service.url}${path}`, {
    method,
    headers: { 'X-API-Key': key, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** POST /api/v1/commands/{command} and GET /api/v1/commands/{id}. */
export function commandsApi(service: TestService) {
  return {
    send: (command: string, body: unknown, key?: string) => call(service, 'POST', `/api/v1/commands/${command}`, body, key),
    get: (id: string) => call(service, 'GET', `/api/v1/commands/${id}`),
  };
}

/** Waits until `check` passes (what a job or another call does in its own time); rethrows its last failure after `timeoutMs`. */
export async function eventually(check: () => Promise<void>, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
