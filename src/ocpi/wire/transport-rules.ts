/**
 * The transport rules that differ between OCPI versions (transport_and_format of each version), as data a
 * version adapter picks, so the one client needs no `if (version === …)`.
 */
export interface TransportRules {
  /** X-Request-ID / X-Correlation-ID on every request and response (transport_and_format 2.2.1 §Unique message IDs; absent in 2.1.1). */
  readonly messageIds: boolean;
  /** OCPI-from/to-country-code/party-id on functional-module calls (transport_and_format 2.2.1 §Message Routing; absent in 2.1.1). */
  readonly routingHeaders: boolean;
}

/** OCPI 2.1.1: neither unique message ids nor routing headers exist. */
export const TRANSPORT_RULES_2_1: TransportRules = Object.freeze({ messageIds: false, routingHeaders: false });

/** OCPI 2.2, 2.2.1 and 2.3.0: both. Also used before a version is negotiated (extra headers harm no 2.1.1 server). */
export const TRANSPORT_RULES_2_2: TransportRules = Object.freeze({ messageIds: true, routingHeaders: true });
