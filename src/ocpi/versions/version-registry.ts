import { ocpi221Adapter } from '../v2_2_1/v2-2-1.adapter';
import { OcpiVersionAdapter } from './ocpi-version-adapter';

/** The OCPI versions we speak, most preferred first. 2.3.0 and 2.1.1 slot in here as adapters. */
export const SUPPORTED_VERSIONS: readonly OcpiVersionAdapter[] = [ocpi221Adapter];

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
