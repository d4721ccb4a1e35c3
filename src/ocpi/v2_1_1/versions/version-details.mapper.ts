import { OcpiEndpoint } from '../../adapter/ocpi-version-adapter';

/**
 * Reads 2.1.1 version details `data`: { version, endpoints: [{ identifier, url }] }
 * (version_information_endpoint 2.1.1 §Version details endpoint). 2.1.1 endpoints have no role: every
 * endpoint of a CPO is its CPO interface, so role is null (a role a CPO sends anyway is ignored).
 * @throws Error naming what is wrong.
 */
export function parseVersionDetails211(data: unknown): OcpiEndpoint[] {
  const endpoints = (data as { endpoints?: unknown } | null)?.endpoints;
  if (!Array.isArray(endpoints)) throw new Error('version details have no endpoints list');
  return endpoints.map((e, i) => {
    const { identifier, url } = (e ?? {}) as Record<string, unknown>;
    if (typeof identifier !== 'string' || typeof url !== 'string') throw new Error(`endpoints[${i}] lacks identifier or url`);
    return { identifier, role: null, url };
  });
}
