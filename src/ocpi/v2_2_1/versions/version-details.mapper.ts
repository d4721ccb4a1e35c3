import { OcpiEndpoint } from '../../adapter/ocpi-version-adapter';

/**
 * Reads 2.2.1 version details `data`: { version, endpoints: [{ identifier, role, url }] }
 * (version_information_endpoint 2.2.1 §Version details). The role is required in 2.2.1; an endpoint
 * without one is kept with role null (tolerant), a malformed list is an error.
 * @throws Error naming what is wrong.
 */
export function parseVersionDetails221(data: unknown): OcpiEndpoint[] {
  const endpoints = (data as { endpoints?: unknown } | null)?.endpoints;
  if (!Array.isArray(endpoints)) throw new Error('version details have no endpoints list');
  return endpoints.map((e, i) => {
    const { identifier, role, url } = (e ?? {}) as Record<string, unknown>;
    if (typeof identifier !== 'string' || typeof url !== 'string') {
      throw new Error(`endpoints[${i}] lacks identifier or url`);
    }
    const upper = typeof role === 'string' ? role.toUpperCase() : null;
    return { identifier, role: upper === 'SENDER' || upper === 'RECEIVER' ? upper : null, url };
  });
}
