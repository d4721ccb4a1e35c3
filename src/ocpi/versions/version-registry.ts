import { ocpi211Adapter } from '../v2_1_1/v2-1-1.adapter';
import { ocpi221Adapter } from '../v2_2_1/v2-2-1.adapter';
import { ocpi230Adapter } from '../v2_3_0/v2-3-0.adapter';
import { OcpiVersionAdapter } from '../adapter/ocpi-version-adapter';

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
