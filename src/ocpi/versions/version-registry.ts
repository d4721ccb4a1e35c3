import { ocpi211Adapter } from '../v2_1_1/v2-1-1.adapter';
import { ocpi221Adapter } from '../v2_2_1/v2-2-1.adapter';
import { ocpi230Adapter } from '../v2_3_0/v2-3-0.adapter';
import { OcpiVersionAdapter } from '../adapter/ocpi-version-adapter';
import { WireDeviation } from '../wire/wire-deviation';

/** The OCPI versions we speak, most preferred first. */
export const SUPPORTED_VERSIONS: readonly OcpiVersionAdapter[] = [ocpi230Adapter, ocpi221Adapter, ocpi211Adapter];

/** The adapter of `version`, or undefined when we do not speak it. */
export function adapterFor(version: string | null | undefined): OcpiVersionAdapter | undefined {
  return SUPPORTED_VERSIONS.find((a) => a.version === version);
}

/** The highest version both sides speak (version_information_endpoint §Versions), or null when none. */
export function pickVersion(theirVersions: Array<{ version: string; url: string }>): { adapter: OcpiVersionAdapter; url: string } | null {
  for (const adapter of SUPPORTED_VERSIONS) {
    const match = theirVersions.find((v) => v.version === adapter.version);
    if (match) return { adapter, url: match.url };
  }
  return null;
}

/**
 * Reads a versions list `data` (version_information_endpoint §Version information endpoint): the same
 * shape in every version. Entries without a string version and url are skipped.
 */
export function readVersionList(data: unknown): Array<{ version: string; url: string }> {
  if (!Array.isArray(data)) return [];
  return (data as Array<{ version?: unknown; url?: unknown } | null>).filter(
    (v): v is { version: string; url: string } => typeof v?.version === 'string' && typeof v?.url === 'string',
  );
}

/** Version details `data` ready for the version's adapter, with what was tolerated; or why it cannot be used. */
export type VersionDetailsReading = { ok: true; details: unknown; deviations: WireDeviation[] } | { ok: false; reason: string };

/**
 * Reads version details `data` (version_information_endpoint §Version details endpoint: one object { version,
 * endpoints }, the same shape in every version) fetched from the URL the versions list gave for `expected`, before the
 * version's adapter reads its endpoints. Tolerated, and returned as a deviation: a list holding exactly one such
 * object, read as that object. Refused, with the reason: a list of none or several (which one would we trust?), and
 * details naming no version or another one than `expected` (the URL serves other details than the list promised, so
 * its endpoints would be read in the wrong version's terms).
 */
export function readVersionDetails(data: unknown, expected: string): VersionDetailsReading {
  const deviations: WireDeviation[] = [];
  let details = data;
  if (Array.isArray(data)) {
    if (data.length === 0) return { ok: false, reason: 'data is an empty list; expected one version details object' };
    if (data.length > 1) return { ok: false, reason: `data is a list of ${data.length} version details objects; expected one object` };
    deviations.push({ kind: 'VERSION_DETAILS_AS_LIST', field: 'data' });
    details = data[0];
  }
  if (details === null || typeof details !== 'object' || Array.isArray(details)) return { ok: false, reason: 'data is not a version details object' };
  const { version } = details as { version?: unknown };
  if (version === undefined || version === null) return { ok: false, reason: `they name no version (required); expected ${expected}` };
  if (version !== expected) return { ok: false, reason: `they are the details of version ${typeof version === 'string' ? version : JSON.stringify(version)}, not of ${expected}` };
  return { ok: true, details, deviations };
}
