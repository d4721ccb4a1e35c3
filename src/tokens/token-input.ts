import { EnergyContract, PROFILE_TYPES, TOKEN_DENIALS, TOKEN_TYPES, TokenFields, WHITELIST_TYPES } from './token.model';

/** A token as the app backend sent it: the fields, or every problem found, each naming its field. */
export type TokenInputReading<T> = { ok: true; value: T } | { ok: false; errors: string[] };

type Rule = (value: unknown, field: string) => string | null;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A printable string of 1..max characters (CiString / string(n) of mod_tokens: ASCII printable for CiString). */
function text(max: number, ascii: boolean): Rule {
  return (v, field) => {
    if (typeof v !== 'string') return `${field} must be a string`;
    if (v.length < 1 || v.length > max) return `${field} must be 1 to ${max} characters`;
    // types 2.2.1 §CiString: "printable ASCII"; a uid with a control character could not be read back by a CPO.
    if (ascii && !/^[\x20-\x7e]+$/.test(v)) return `${field} must be printable ASCII`;
    return null;
  };
}

function oneOf(values: readonly string[]): Rule {
  return (v, field) => (typeof v === 'string' && values.includes(v) ? null : `${field} must be one of ${values.join(', ')}`);
}

const nullable =
  (rule: Rule): Rule =>
  (v, field) =>
    v === null ? null : rule(v, field);

const RULES: Record<Exclude<keyof TokenFields, 'energy_contract'>, Rule> = {
  uid: text(36, true),
  type: oneOf(TOKEN_TYPES),
  contract_id: text(36, true),
  visual_number: nullable(text(64, false)),
  issuer: text(64, false),
  group_id: nullable(text(36, true)),
  valid: (v, field) => (typeof v === 'boolean' ? null : `${field} must be true or false`),
  whitelist: oneOf(WHITELIST_TYPES),
  language: nullable((v, field) => (typeof v === 'string' && /^[a-z]{2}$/i.test(v) ? null : `${field} must be a two-letter ISO 639-1 code`)),
  default_profile_type: nullable(oneOf(PROFILE_TYPES)),
  valid_until: nullable((v, field) =>
    typeof v === 'string' && !Number.isNaN(Date.parse(v)) && /T.*(Z|[+-]\d\d:?\d\d)$/.test(v) ? null : `${field} must be an ISO-8601 date-time with a zone`,
  ),
  denial: nullable(oneOf(TOKEN_DENIALS)),
};

/** The required fields on create; the others default to null (valid to true, whitelist to ALLOWED). */
const REQUIRED: ReadonlyArray<keyof TokenFields> = ['uid', 'type', 'contract_id', 'issuer'];
const DEFAULTS: Partial<TokenFields> = {
  visual_number: null,
  group_id: null,
  valid: true,
  whitelist: 'ALLOWED',
  language: null,
  default_profile_type: null,
  energy_contract: null,
  valid_until: null,
  denial: null,
};
const KNOWN = new Set<string>([...Object.keys(RULES), 'energy_contract']);

function energyContract(v: unknown, errors: string[]): EnergyContract | null {
  if (v === null) return null;
  if (!isRecord(v)) {
    errors.push('energy_contract must be an object { supplier_name, contract_id? } or null');
    return null;
  }
  const supplier = text(64, false)(v.supplier_name, 'energy_contract.supplier_name');
  const contract = v.contract_id === undefined ? null : nullable(text(64, false))(v.contract_id, 'energy_contract.contract_id');
  for (const e of [supplier, contract]) if (e) errors.push(e);
  return { supplier_name: v.supplier_name as string, contract_id: (v.contract_id as string | null | undefined) ?? null };
}

/** Checks the fields present in `raw`; unknown fields are refused, so a typo is never silently dropped. */
function readFields(raw: unknown, prefix: string): { fields: Partial<TokenFields>; errors: string[] } {
  const errors: string[] = [];
  if (!isRecord(raw)) return { fields: {}, errors: [`${prefix || 'body'} must be a JSON object`] };
  const fields: Partial<Record<string, unknown>> & Partial<TokenFields> = {};
  for (const [name, value] of Object.entries(raw)) {
    const field = `${prefix}${name}`;
    if (!KNOWN.has(name)) {
      errors.push(`${field} is not a Token field`);
      continue;
    }
    if (name === 'energy_contract') {
      fields.energy_contract = energyContract(value, errors);
      continue;
    }
    const problem = RULES[name as keyof typeof RULES](value, field);
    if (problem) errors.push(problem);
    else fields[name] = value;
  }
  return { fields, errors };
}

/**
 * A new Token from the app backend: uid (1..36 printable ASCII), type (TOKEN_TYPES), contract_id (1..36) and issuer
 * (1..64) required; the rest optional. `prefix` names the place in a batch ("[3].").
 */
export function readNewToken(raw: unknown, prefix = ''): TokenInputReading<TokenFields> {
  const { fields, errors } = readFields(raw, prefix);
  for (const name of REQUIRED) if (isRecord(raw) && raw[name] === undefined) errors.push(`${prefix}${name} is required`);
  if (errors.length > 0) return { ok: false, errors };
  const value = { ...DEFAULTS, ...fields } as TokenFields;
  if (value.valid_until) value.valid_until = new Date(value.valid_until).toISOString();
  return { ok: true, value };
}

/** A change to a Token: any field but uid and type (its identity), at least one. */
export function readTokenChange(raw: unknown): TokenInputReading<Partial<TokenFields>> {
  const { fields, errors } = readFields(raw, '');
  for (const name of ['uid', 'type'] as const) if (isRecord(raw) && raw[name] !== undefined) errors.push(`${name} cannot be changed (it is the Token's identity)`);
  if (errors.length === 0 && Object.keys(fields).length === 0) errors.push('body must change at least one field');
  if (errors.length > 0) return { ok: false, errors };
  if (fields.valid_until) fields.valid_until = new Date(fields.valid_until).toISOString();
  return { ok: true, value: fields };
}

/** The TokenType in a path or query, or null. */
export function readTokenType(value: unknown): (typeof TOKEN_TYPES)[number] | null {
  return typeof value === 'string' && (TOKEN_TYPES as readonly string[]).includes(value) ? (value as (typeof TOKEN_TYPES)[number]) : null;
}
