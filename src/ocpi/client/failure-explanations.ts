import { AxiosError } from 'axios';
import { describeOcpiStatus, ReceivedOcpiStatusCode } from '../wire/ocpi-status';
import { AttemptCutoff } from './attempt-limits';
import { TransportCause } from './ocpi-call.error';

const TLS_CODES = /^(EPROTO|ERR_SSL_|ERR_TLS_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(GET|VERIFY)_)/;

/** What broke when no HTTP response came back, and what to do about it, in one line. */
export function explainTransport(error: AxiosError): { cause: TransportCause; explanation: string } {
  const code = error.code ?? '';
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT') {
    return { cause: 'TIMEOUT', explanation: 'the CPO did not answer within the timeout (retried where safe); retry later or ask the CPO about its response times.' };
  }
  if (code === 'ECONNREFUSED') return { cause: 'REFUSED', explanation: 'connection refused: the CPO endpoint is down or the URL/port is wrong.' };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { cause: 'DNS', explanation: 'the CPO host name does not resolve: check the URL.' };
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ERR_BAD_RESPONSE') {
    return { cause: 'RESET', explanation: 'the CPO closed the connection before answering; retry later, and tell the CPO if it persists.' };
  }
  if (TLS_CODES.test(code) || /ssl|tls|certificate/i.test(error.message)) {
    return {
      cause: 'TLS',
      explanation: `TLS failure (${code || error.message}): the CPO's certificate is not trusted, has expired or the endpoint does not speak HTTPS; check the URL's scheme and ask the CPO about its certificate.`,
    };
  }
  return { cause: 'OTHER', explanation: `network failure (${code || error.message}).` };
}

/**
 * An attempt we cut short ourselves (attempt-limits.ts), naming the setting and its value.
 * @returns the failure kind (TRANSPORT, or RESPONSE_TOO_LARGE), the transport cause where it is one, and one line.
 */
export function explainCutoff(cutoff: AttemptCutoff): { kind: 'TRANSPORT' | 'RESPONSE_TOO_LARGE'; cause?: TransportCause; explanation: string } {
  switch (cutoff.kind) {
    case 'CONNECT_TIMEOUT':
      return {
        kind: 'TRANSPORT',
        cause: 'TIMEOUT',
        explanation: `no connection (TCP and TLS) within OCPI_CONNECT_TIMEOUT_MS (${cutoff.limitMs} ms): the CPO's host is unreachable or overloaded (retried where safe); check the URL, or ask the CPO.`,
      };
    case 'RESPONSE_TIMEOUT':
      return {
        kind: 'TRANSPORT',
        cause: 'TIMEOUT',
        explanation: `no answer within OCPI_RESPONSE_TIMEOUT_MS (${cutoff.limitMs} ms) of sending the request (retried where safe); retry later or ask the CPO about its response times.`,
      };
    case 'BODY_TIMEOUT':
      return {
        kind: 'TRANSPORT',
        cause: 'TIMEOUT',
        explanation: `the body was not complete within OCPI_BODY_TIMEOUT_MS (${cutoff.limitMs} ms) of its first byte: the CPO sends too slowly (retried where safe); ask the CPO, or allow more time.`,
      };
    case 'TOO_LARGE': {
      const declared = cutoff.declaredBytes === null ? '' : ` (its Content-Length: ${cutoff.declaredBytes})`;
      return {
        kind: 'RESPONSE_TOO_LARGE',
        explanation: `the answer is larger than OCPI_MAX_RESPONSE_BYTES (${cutoff.limitBytes} bytes)${declared}: not read, not retried. Ask the CPO for smaller pages (or lower OCPI_PAGE_LIMIT), or raise the setting.`,
      };
    }
    case 'CANCELLED':
      return { kind: 'TRANSPORT', cause: 'CANCELLED', explanation: 'the call was cancelled before it finished (the service is stopping); the next pull tries again.' };
  }
}

/** An HTTP error or redirect status, with the CPO's own message when its body was an envelope. */
export function explainHttpStatus(status: number, cpoMessage: string | null, location?: string): string {
  const said = cpoMessage ? ` CPO said: "${cpoMessage}".` : '';
  if (status >= 300 && status < 400) {
    return `HTTP ${status}: the CPO redirects${location ? ` to ${location}` : ''}; OCPI calls are not redirected: update the URL or ask the CPO.${said}`;
  }
  if (status === 401 || status === 403) return `HTTP ${status}: the CPO rejected our credentials token; the connection may need re-registering.${said}`;
  if (status === 404) return `HTTP 404: the endpoint or object does not exist at the CPO; its endpoints may have changed (re-read its version details).${said}`;
  if (status === 405) return `HTTP 405: the CPO does not allow this method here (e.g. already registered).${said}`;
  if (status === 429) return `HTTP 429: the CPO is rate-limiting us; retried with backoff (honouring Retry-After) and gave up; pull less often.${said}`;
  if (status === 503) return `HTTP 503: the CPO is unavailable; retried (honouring Retry-After) and gave up; the next pull tries again.${said}`;
  if (status >= 500) return `HTTP ${status}: the CPO had a server error; retried and gave up; tell the CPO if it persists.${said}`;
  if (status === 400) return `HTTP 400: the CPO could not read our request.${said}`;
  return `HTTP ${status}.${said}`;
}

/** An error status_code inside an envelope (status_codes 2.2.1), also when it came with HTTP 200. */
export function explainOcpiStatus(code: ReceivedOcpiStatusCode, httpStatus: number, cpoMessage: string | null): string {
  const said = cpoMessage ? ` CPO said: "${cpoMessage}".` : '';
  return `the CPO answered OCPI status ${code} (with HTTP ${httpStatus}): ${describeOcpiStatus(code)}.${said}`;
}
