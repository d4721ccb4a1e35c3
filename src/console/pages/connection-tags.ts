import { assertNever } from '../../common/assert-never';
import { CircuitState } from '../../connections/cpo-circuit';
import { ConnectionStatus } from '../../connections/cpo-connection.entity';
import { html, Html } from '../html';

/** A connection's handshake state as a coloured tag, with what it means on hover. */
export function statusTag(status: string): Html {
  const s = status as ConnectionStatus;
  switch (s) {
    case 'REGISTERED':
      return html`<span class="tag good" title="credentials exchanged: both sides hold a token">REGISTERED</span>`;
    case 'INVITED':
      return html`<span class="tag warn" title="waiting for the CPO to register with the token A we gave it">INVITED</span>`;
    case 'FAILED':
      return html`<span class="tag bad" title="the handshake failed: see the last error">FAILED</span>`;
    case 'PENDING':
      return html`<span class="tag warn" title="the credentials handshake is under way">PENDING</span>`;
    case 'UNREGISTERED':
      return html`<span class="tag" title="no token works any more either way">UNREGISTERED</span>`;
    default:
      return html`<span class="tag">${status}</span>`;
  }
}

/** A circuit breaker state as a coloured tag. */
export function circuitTag(state: CircuitState): Html {
  switch (state) {
    case 'CLOSED':
      return html`<span class="tag good" title="calls go out">CLOSED</span>`;
    case 'OPEN':
      return html`<span class="tag bad" title="calls to this CPO fail at once until the backoff has passed">OPEN</span>`;
    case 'HALF_OPEN':
      return html`<span class="tag warn" title="one probe call is under way">HALF_OPEN</span>`;
    default:
      return assertNever(state, 'circuit state');
  }
}
