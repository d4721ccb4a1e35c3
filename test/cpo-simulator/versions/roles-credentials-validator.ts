/**
 * Validates a Credentials object in the 2.2/2.2.1/2.3.0 shape (credentials 2.2.1 §Credentials
 * object, §CredentialsRole class): token, url, roles[] with role/party_id/country_code/
 * business_details.
 */
import { isCredentialsToken } from '../auth';
import { OCPI_ROLES, type Credentials, type CredentialsRole, type OcpiRole } from '../ocpi-types';
import type { ParsedClientCredentials } from './simulator-version-adapter';
import { isRecord } from '../guards';

function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 255) return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** Takes one roles[] entry and its index; returns the problems found (empty when valid). */
function roleProblems(role: unknown, i: number): string[] {
  if (!isRecord(role)) return [`roles[${i}] is not an object`];
  const problems: string[] = [];
  if (!OCPI_ROLES.includes(role.role as OcpiRole)) problems.push(`roles[${i}].role is not a Role: ${JSON.stringify(role.role)}`);
  if (typeof role.party_id !== 'string' || !/^[A-Za-z0-9]{1,3}$/.test(role.party_id)) problems.push(`roles[${i}].party_id must be CiString(3)`);
  if (typeof role.country_code !== 'string' || !/^[A-Za-z]{2}$/.test(role.country_code)) problems.push(`roles[${i}].country_code must be CiString(2)`);
  const details = role.business_details;
  if (!isRecord(details) || typeof details.name !== 'string' || details.name.length === 0 || details.name.length > 100) {
    problems.push(`roles[${i}].business_details.name is required (string(100))`);
  }
  return problems;
}

/**
 * Takes the parsed JSON body; returns the Credentials or the list of problems. Also checks
 * "Every role needs a unique combination of: role, party_id and country_code".
 */
export function validateRolesCredentials(body: unknown): ParsedClientCredentials {
  if (!isRecord(body)) return { ok: false, errors: ['body is not a Credentials object'] };
  const errors: string[] = [];
  if (!isCredentialsToken(body.token)) errors.push('token must be 1-64 printable non-whitespace ASCII characters');
  if (!isHttpUrl(body.url)) errors.push('url must be an http(s) URL (string(255))');
  if (!Array.isArray(body.roles) || body.roles.length === 0) {
    errors.push('roles must be a non-empty list of CredentialsRole');
  } else {
    body.roles.forEach((role, i) => errors.push(...roleProblems(role, i)));
    const keys = body.roles.filter(isRecord).map((r) => `${String(r.role)}/${String(r.country_code).toUpperCase()}/${String(r.party_id).toUpperCase()}`);
    if (new Set(keys).size !== keys.length) errors.push('roles must have unique (role, country_code, party_id) combinations');
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: { token: body.token as string, url: body.url as string, roles: body.roles as CredentialsRole[] } satisfies Credentials };
}
