import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { addDeviations } from '../call-log/wire-deviation.store';
import { OcpiCallError } from '../ocpi/client/ocpi-call.error';
import { OcpiVersionAdapter } from '../ocpi/adapter/ocpi-version-adapter';
import { adapterFor, pickVersion, readVersionDetails, readVersionList, SUPPORTED_VERSIONS } from '../ocpi/versions/version-registry';
import { countDeviations, WireDeviation } from '../ocpi/wire/wire-deviation';
import { CpoCaller, CpoTarget } from './cpo-caller';
import { TheirEndpoint } from './cpo-connection.entity';

/** Why a CPO's versions and endpoints could not be discovered. */
export type DiscoveryFailure = 'VERSIONS_UNREACHABLE' | 'NO_MUTUAL_VERSION' | 'VERSION_NOT_OFFERED' | 'VERSION_DETAILS_UNREACHABLE' | 'REQUIRED_ENDPOINTS_MISSING';

export class DiscoveryError extends Error {
  constructor(
    readonly failure: DiscoveryFailure,
    message: string,
  ) {
    super(message);
  }
}

/** A CPO's platform for one version: its adapter, version details URL and endpoints. */
export interface DiscoveredPlatform {
  adapter: OcpiVersionAdapter;
  versionUrl: string;
  endpoints: TheirEndpoint[];
  /** Every version the CPO offers, as listed. */
  offered: string[];
}

/**
 * The endpoints we need at every CPO (credentials §Required endpoints not available): its credentials endpoint
 * (required for all implementations; we PUT and DELETE there). No Sender interface is required: a CPO (or Hub) that
 * only pushes registers too, and each module's mode (module-modes.ts) says what we pull and what we receive.
 * Returns the missing ones in plain words.
 */
export function missingEndpoints(endpoints: TheirEndpoint[]): string[] {
  return endpoints.some((e) => e.identifier === 'credentials') ? [] : ['credentials'];
}

/**
 * Reads a CPO's versions and version details (version_information_endpoint §Versions, §Version details):
 * GET versions, choose a version (the one asked for, or the highest both sides speak), GET its details and
 * check the endpoints we need. Calls go through CpoCaller, so a CPO wanting the other token encoding is
 * tolerated; `target` is updated to the chosen version. Details sent as a list of one are read and counted as a
 * deviation of the connection (module "versions"); see readVersionDetails for what fails.
 */
@Injectable()
export class EndpointDiscovery {
  constructor(
    private readonly caller: CpoCaller,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  /**
   * @param wanted the version to use (a PUT switches to the version of the endpoint it was sent to);
   *   omitted: the highest mutual version.
   * @throws DiscoveryError
   */
  async discover(target: CpoTarget, versionsUrl: string, wanted?: string): Promise<DiscoveredPlatform> {
    const list = readVersionList(await this.get(target, versionsUrl, 'VERSIONS_UNREACHABLE'));
    const offered = list.map((v) => v.version);
    const chosen = wanted ? chooseWanted(list, wanted) : pickVersion(list);
    if (!chosen) {
      throw new DiscoveryError(
        'NO_MUTUAL_VERSION',
        `No OCPI version in common: the CPO offers ${offered.join(', ') || 'none'}; we speak ${SUPPORTED_VERSIONS.map((a) => a.version).join(', ')}.`,
      );
    }
    this.switchTo(target, chosen.adapter);
    const unusable = (reason: string) => new DiscoveryError('VERSION_DETAILS_UNREACHABLE', `The CPO's version details at ${chosen.url} are not usable: ${reason}.`);
    const details = readVersionDetails(await this.get(target, chosen.url, 'VERSION_DETAILS_UNREACHABLE'), chosen.adapter.version);
    if (!details.ok) throw unusable(details.reason);
    await this.count(target, details.deviations);
    let endpoints: TheirEndpoint[];
    try {
      endpoints = chosen.adapter.parseEndpoints(details.details);
    } catch (error) {
      throw unusable((error as Error).message);
    }
    const missing = missingEndpoints(endpoints);
    if (missing.length > 0) {
      throw new DiscoveryError('REQUIRED_ENDPOINTS_MISSING', `The CPO's ${chosen.adapter.version} endpoints lack ${missing.join(' and ')}, which we need.`);
    }
    return { adapter: chosen.adapter, versionUrl: chosen.url, endpoints, offered };
  }

  /** Adds what the CPO's configuration answers bent to the connection's deviation counts (module "versions"). */
  private async count(target: CpoTarget, deviations: WireDeviation[]): Promise<void> {
    if (!target.connectionId || deviations.length === 0) return;
    await addDeviations(this.db.manager, target.connectionId, 'versions', countDeviations(deviations));
  }

  /** What the token encoding learnt for one version says nothing about another: start again from the prescribed one. */
  private switchTo(target: CpoTarget, adapter: OcpiVersionAdapter): void {
    if (target.version !== adapter.version) target.preferred = null;
    target.version = adapter.version;
    target.prescribed = adapter.tokenEncoding;
  }

  private async get(target: CpoTarget, url: string, failure: DiscoveryFailure): Promise<unknown> {
    try {
      return (await this.caller.request(target, { method: 'GET', url })).data;
    } catch (error) {
      if (error instanceof OcpiCallError) throw new DiscoveryError(failure, `GET ${url} failed: ${error.explanation}`);
      throw error;
    }
  }
}

function chooseWanted(list: Array<{ version: string; url: string }>, wanted: string): { adapter: OcpiVersionAdapter; url: string } | null {
  const adapter = adapterFor(wanted);
  const match = list.find((v) => v.version === wanted);
  if (!adapter || !match) {
    throw new DiscoveryError('VERSION_NOT_OFFERED', `The CPO's versions list (${list.map((v) => v.version).join(', ') || 'empty'}) does not offer ${wanted}.`);
  }
  return { adapter, url: match.url };
}
