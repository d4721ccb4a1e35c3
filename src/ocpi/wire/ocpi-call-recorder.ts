/**
 * A failed OCPI call, in either direction, as the call log keeps it. Bodies are given as they were (object or
 * text); the recorder redacts credentials tokens and truncates before storing. Authorization headers are never
 * passed here.
 */
export interface OcpiCallRecord {
  /** OUTGOING: we called a CPO. INCOMING: a CPO called us and we answered with an error. */
  direction: 'OUTGOING' | 'INCOMING';
  connectionId: string | null;
  /** OCPI module identifier (locations, tariffs, credentials, versions …) when known. */
  module: string | null;
  method: string;
  url: string;
  /** OcpiFailureKind for OUTGOING; for INCOMING the same vocabulary (HTTP_STATUS, OCPI_STATUS, UNPARSEABLE). */
  kind: string;
  httpStatus: number | null;
  ocpiStatus: number | null;
  durationMs: number | null;
  requestId: string | null;
  correlationId: string | null;
  requestBody: unknown;
  responseBody: unknown;
  /** One line in plain words: what went wrong and what to do. */
  explanation: string;
}

/** A call we made to a CPO that succeeded, for the metrics (the call log keeps failures only). */
export interface OcpiCallSuccess {
  connectionId: string | null;
  module: string | null;
  durationMs: number;
}

/** Where failed calls go. Must never throw into the call it records. */
export interface OcpiCallRecorder {
  record(entry: OcpiCallRecord): Promise<void>;
  /** Counts a successful outgoing call (metrics only; nothing is stored). Must never throw. */
  succeeded?(call: OcpiCallSuccess): void;
}

/** Injection token of the OcpiCallRecorder (the call log). */
export const OCPI_CALL_RECORDER = Symbol('OCPI_CALL_RECORDER');
