/**
 * A request with exactly the bytes a test chooses (a body that is not JSON, no body, no Content-Type, any header), and
 * the answer as it came: HTTP status, text, and the JSON when the text is JSON.
 */
export interface RawAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body; undefined when the body is not JSON. */
  json: any;
}

export async function rawRequest(url: string, init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<RawAnswer> {
  const response = await fetch(url, { method: init.method ?? 'GET', headers: init.headers, body: init.body, signal: AbortSignal.timeout(20_000) });
  const text = await response.text();
  let json: unknown = undefined;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: the caller looks at the text
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** The Authorization header of a CPO calling us on `version` (2.1.1: the token as is; later versions: Base64). */
export function ocpiAuthorization(version: string, token: string): string {
  return `Token ${version === '2.1.1' ? token : Buffer.from(token, 'utf8').toString('base64')}`;
}

/** What every answer under /ocpi/ must be (transport_and_format 2.2.1 §Response format). */
export const OCPI_ENVELOPE = {
  status_code: expect.any(Number),
  status_message: expect.any(String),
  timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
};
