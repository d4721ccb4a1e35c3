/**
 * InvoiceReconciliation module, 2.3.0 only (mod_invoice_reconciliation), the CPO's side with direct billing: the
 * Sender interface serves the records the CPO issued (GET List, paginated, date_from / date_to on last_updated; POST,
 * PUT, PATCH and DELETE are "n/a"), and the CPO pushes records to the eMSP's Receiver interface (POST a new record,
 * PUT an updated one, GET or DELETE one at {country_code}/{party_id}/{id}).
 */
import { randomUUID } from 'node:crypto';
import { encodeAuthorization } from './auth';
import { isRecord } from './guards';
import { fail, OcpiStatus, type OcpiReply } from './http-envelope';
import { senderList } from './sender-list';
import { sendingEncoding, type SimulatorContext } from './simulator-context';

/** Takes method, segments below `invoicereconciliation`, query and context; returns the reply (Sender interface). */
export function handleInvoiceReconciliation(method: string, segments: string[], params: URLSearchParams, ctx: SimulatorContext): OcpiReply {
  if (method !== 'GET') return fail(405, OcpiStatus.CLIENT_ERROR, `${method} is not supported on the InvoiceReconciliation Sender interface`);
  if (segments.length > 0) return fail(404, OcpiStatus.CLIENT_ERROR, 'Unknown path');
  return senderList(ctx.store.invoiceReconciliation ?? [], params, ctx.maxPageLimit, ctx.urls.invoicereconciliation);
}

/** What the eMSP's Receiver answered: HTTP status, OCPI status and message, and `data` (GET). */
export interface ReceiverReply {
  httpStatus: number;
  ocpiStatus: number | null;
  message: string | null;
  data: unknown;
}

/**
 * Sends one record to the eMSP's invoicereconciliation Receiver endpoint (its version details, role RECEIVER): POST at
 * the endpoint, PUT / GET / DELETE at {country_code}/{party_id}/{id}. Never throws on the answer.
 * @throws Error when not registered or the eMSP lists no such Receiver endpoint
 */
export async function sendInvoiceReconciliation(
  ctx: SimulatorContext,
  method: 'POST' | 'PUT' | 'GET' | 'DELETE',
  record: { country_code: string; party_id: string; id: string } & Record<string, unknown>,
): Promise<ReceiverReply> {
  const state = ctx.registration.snapshot();
  const endpoint = state.clientVersionDetails?.endpoints.find((e) => e.identifier === 'invoicereconciliation' && e.role === 'RECEIVER');
  if (!state.tokenForClient || !endpoint) throw new Error('not registered, or the eMSP lists no invoicereconciliation Receiver endpoint');
  const url =
    method === 'POST' ? endpoint.url : `${endpoint.url}/${encodeURIComponent(record.country_code)}/${encodeURIComponent(record.party_id)}/${encodeURIComponent(record.id)}`;
  const withBody = method === 'POST' || method === 'PUT';
  const response = await fetch(url, {
    method,
    headers: {
      Authorization: encodeAuthorization(state.tokenForClient, sendingEncoding(ctx)),
      ...(withBody ? { 'Content-Type': 'application/json' } : {}),
      'X-Request-ID': randomUUID(),
      'X-Correlation-ID': randomUUID(),
    },
    body: withBody ? JSON.stringify(record) : undefined,
    signal: AbortSignal.timeout(5000),
  });
  let body: unknown = null;
  try {
    body = JSON.parse(await response.text());
  } catch {
    // not JSON: reported through the status alone
  }
  return {
    httpStatus: response.status,
    ocpiStatus: isRecord(body) && typeof body.status_code === 'number' ? body.status_code : null,
    message: isRecord(body) && typeof body.status_message === 'string' ? body.status_message : null,
    data: isRecord(body) ? (body.data ?? null) : null,
  };
}
