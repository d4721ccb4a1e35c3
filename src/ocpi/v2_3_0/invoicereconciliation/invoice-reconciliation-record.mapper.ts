import { ciStringProblem } from '../../wire/field-rules';
import { MappingResult, readIdentity } from '../../wire/mapping-result';
import { readOcpiDateTime } from '../../wire/ocpi-datetime';

/** An InvoiceReconciliationRecord read from the wire (mod_invoice_reconciliation 2.3.0 §InvoiceReconciliationRecord Object). */
export interface InvoiceReconciliationRecord {
  /** Upper-cased (CiString). */
  country_code: string;
  party_id: string;
  id: string;
  /** The invoice the record is about, as the issuing party names it (CiString(255)). */
  invoice_id: string;
  /** The ids of the CDRs that invoice invoices (at least one, each CiString(36)), in the order sent. */
  cdrs: string[];
  /** When the record was issued, ISO-8601 UTC. */
  last_updated: string;
}

/**
 * Reads one InvoiceReconciliationRecord (2.3.0 §InvoiceReconciliationRecord Object): every field required, `cdrs` a
 * list of one or more (card. +). Never throws: a malformed record comes back refused, the field named.
 */
export function mapInvoiceReconciliationRecord230(raw: unknown): MappingResult<InvoiceReconciliationRecord> {
  const identity = readIdentity(raw);
  const refuse = (reason: string): MappingResult<InvoiceReconciliationRecord> => ({ ok: false, reason, identity });
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return refuse('an InvoiceReconciliationRecord must be a JSON object');
  const o = raw as Record<string, unknown>;
  for (const [field, max, min] of [
    ['country_code', 2, 2],
    ['party_id', 3, 3],
    ['id', 36, 1],
    ['invoice_id', 255, 1],
  ] as const) {
    const problem = ciStringProblem(o[field], { min, max });
    if (problem) return refuse(`${field} ${problem}`);
  }
  if (!Array.isArray(o.cdrs) || o.cdrs.length === 0) return refuse('cdrs must be a list of at least one CDR id (card. +)');
  for (const [i, id] of o.cdrs.entries()) {
    const problem = ciStringProblem(id, { max: 36 });
    if (problem) return refuse(`cdrs[${i}] ${problem}`);
  }
  const lastUpdated = readOcpiDateTime(o.last_updated);
  if (lastUpdated === null) return refuse('last_updated must be an OCPI DateTime');
  return {
    ok: true,
    value: {
      country_code: (o.country_code as string).toUpperCase(),
      party_id: (o.party_id as string).toUpperCase(),
      id: o.id as string,
      invoice_id: o.invoice_id as string,
      cdrs: o.cdrs as string[],
      last_updated: lastUpdated,
    },
  };
}
