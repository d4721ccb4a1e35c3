import { Injectable } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import { AppConfig } from '../../config/app-config';
import { HubClientInfoStore } from '../../hubs/hub-client-info.store';
import { OcpiError } from '../wire/ocpi-error';
import { OcpiPartner } from './ocpi-partners.port';

/** A party as routing headers name it (country code, party id; CiString, upper-cased). */
export interface RoutedParty {
  countryCode: string;
  partyId: string;
}

/**
 * How a request to one of our functional modules reached us (transport_and_format 2.2.1 §Message Routing):
 * DIRECT from the partner's own platform; HUB: relayed by a Hub for the party in OCPI-from-*; HUB_BROADCAST: a Broadcast
 * Push, the Hub itself in OCPI-from-*. `parties` are the owners the request may carry objects of (for the intake step).
 */
export interface MessageRoute {
  via: 'DIRECT' | 'HUB' | 'HUB_BROADCAST';
  parties: Array<{ role: string; countryCode: string; partyId: string }>;
}

/**
 * Configuration modules (transport_and_format 2.2.1 §Message Routing Headers: Credentials, Versions, Hub Client Info):
 * "not to be routed … routing headers SHALL NOT be used with these modules". Every other module is a functional one.
 */
const CONFIGURATION_MODULES: ReadonlySet<string> = new Set(['credentials', 'hubclientinfo']);

/**
 * The functional module one of our OCPI URLs addresses (/ocpi/emsp/{version}/{module}/…), or null for the versions
 * endpoints and the configuration modules, which are never routed.
 */
export function functionalModuleOf(url: string): string | null {
  const [ocpi, emsp, version, module] = url.split('?')[0].split('/').filter(Boolean);
  if (ocpi !== 'ocpi' || emsp !== 'emsp' || !version || version === 'versions' || !module) return null;
  return CONFIGURATION_MODULES.has(module) ? null : module;
}

const HEADERS = {
  from: ['OCPI-from-country-code', 'OCPI-from-party-id'],
  to: ['OCPI-to-country-code', 'OCPI-to-party-id'],
} as const;

/** One pair of routing headers: absent (neither sent), or the party they name. @throws OcpiError 2001 when half or malformed. */
function readPair(headers: IncomingHttpHeaders, which: 'from' | 'to'): RoutedParty | null {
  const [countryName, partyName] = HEADERS[which];
  const value = (name: string) => {
    const v = headers[name.toLowerCase()];
    const first = Array.isArray(v) ? v[0] : v;
    return first && first.trim().length > 0 ? first.trim() : null;
  };
  const [countryCode, partyId] = [value(countryName), value(partyName)];
  if (countryCode === null && partyId === null) return null;
  if (countryCode === null || partyId === null) {
    throw OcpiError.invalidParameters(
      `Routing header ${countryCode === null ? countryName : partyName} is missing while ${countryCode === null ? partyName : countryName} is sent (transport_and_format §Message Routing Headers)`,
    );
  }
  if (!/^[A-Za-z]{2}$/.test(countryCode)) throw OcpiError.invalidParameters(`Routing header ${countryName} must be a CiString(2) country code: ${JSON.stringify(countryCode)}`);
  if (!/^[A-Za-z0-9]{1,3}$/.test(partyId)) throw OcpiError.invalidParameters(`Routing header ${partyName} must be a CiString(3) party id: ${JSON.stringify(partyId)}`);
  return { countryCode: countryCode.toUpperCase(), partyId: partyId.toUpperCase() };
}

const named = (p: { countryCode: string; partyId: string }) => `${p.countryCode}*${p.partyId}`;
const same = (a: { countryCode: string; partyId: string }, b: { countryCode: string; partyId: string }) =>
  a.countryCode.toUpperCase() === b.countryCode.toUpperCase() && a.partyId.toUpperCase() === b.partyId.toUpperCase();

/** The routing headers we answer with: us in OCPI-from-*, the requesting party in OCPI-to-* (§Overview … "response"). */
export type RoutingReplyHeaders = Record<(typeof HEADERS)[keyof typeof HEADERS][number], string>;

/**
 * Message routing of the requests partners make to our functional modules (transport_and_format 2.2.1 and 2.3.0
 * §Message Routing; 2.1.1 has none). A partner whose credentials roles include HUB relays other parties:
 * - every request it makes to a functional module carries all four routing headers; OCPI-to-* names us;
 * - OCPI-from-* names a party the Hub announced as CPO (its hubclientinfo: mod_hub_client_info §ClientInfo Object,
 *   or, in 2.3.0, a CPO role in its credentials, credentials 2.3.0 §Credentials object), not SUSPENDED: the request
 *   may carry objects of that party only; or the Hub itself (a Broadcast Push, §Broadcast Push: the objects keep
 *   their original owner, any CPO party the Hub announced);
 * - anything else is refused with OCPI 2001 (in HTTP 200) naming the header and what disagreed. The Hub's errors
 *   (4xxx, status_codes §4xxx) are for a Hub's own routing failures, which we are not.
 * A direct partner needs no routing headers; when it sends them, OCPI-from-* must be one of its own parties and
 * OCPI-to-* us. Nothing is routed on 2.1.1 paths, so a Hub's pushes there are refused (they could not say for whom).
 */
@Injectable()
export class MessageRouting {
  constructor(
    private readonly config: AppConfig,
    private readonly clientInfo: HubClientInfoStore,
  ) {}

  /**
   * The headers to answer with (computed before any refusal, so a refusal carries them too): us in OCPI-from-*, the
   * sender in OCPI-to-* (its OCPI-from-*, else the Hub itself); null when there is nobody to name.
   */
  replyHeaders(partner: OcpiPartner, headers: IncomingHttpHeaders): RoutingReplyHeaders | null {
    let to: RoutedParty | null;
    try {
      to = readPair(headers, 'from');
    } catch {
      to = null;
    }
    to ??= hubOf(partner);
    if (!to) return null;
    const us = this.config.ourParty;
    return {
      'OCPI-from-country-code': us.countryCode,
      'OCPI-from-party-id': us.partyId,
      'OCPI-to-country-code': to.countryCode,
      'OCPI-to-party-id': to.partyId,
    };
  }

  /**
   * Routes one request of `partner` to a functional module on a version with (`routingHeaders`) or without message
   * routing. @throws OcpiError 2001 (HTTP 200) naming the header and what disagreed.
   */
  async route(partner: OcpiPartner, headers: IncomingHttpHeaders, routingHeaders: boolean): Promise<MessageRoute> {
    const hub = hubOf(partner);
    if (!routingHeaders) {
      if (hub)
        throw OcpiError.invalidParameters(`A Hub (${named(hub)}) must push on a version with message routing (2.2.1 or later): 2.1.1 has no OCPI-from-* headers to say for whom`);
      return { via: 'DIRECT', parties: partner.parties };
    }
    const from = readPair(headers, 'from');
    const to = readPair(headers, 'to');
    const us = this.config.ourParty;
    if (to && !same(to, us)) {
      throw OcpiError.invalidParameters(
        `OCPI-to-country-code / OCPI-to-party-id name ${named(to)}, but we are ${named(us)}: this message is not for us (transport_and_format §Message Routing Headers)`,
      );
    }
    if (!hub) {
      if (from && !partner.parties.some((p) => same(p, from))) {
        const own = partner.parties.map(named).join(', ');
        throw OcpiError.invalidParameters(`OCPI-from-country-code / OCPI-from-party-id name ${named(from)}, which is not a party of this connection (${own})`);
      }
      return { via: 'DIRECT', parties: partner.parties };
    }
    const missing = [...(from ? [] : HEADERS.from), ...(to ? [] : HEADERS.to)];
    if (!from || !to) {
      throw OcpiError.invalidParameters(`A request through a Hub must carry the routing headers (transport_and_format §Message Routing Headers); missing: ${missing.join(', ')}`);
    }
    if (same(from, hub)) return { via: 'HUB_BROADCAST', parties: await this.announcedCpos(partner) };
    return { via: 'HUB', parties: [await this.announcedCpo(partner, hub, from)] };
  }

  /** The party in OCPI-from-*, if the Hub announced it as a CPO that is not SUSPENDED. @throws OcpiError 2001 otherwise. */
  private async announcedCpo(partner: OcpiPartner, hub: RoutedParty, from: RoutedParty): Promise<{ role: string; countryCode: string; partyId: string }> {
    const party = { role: 'CPO', countryCode: from.countryCode, partyId: from.partyId };
    if (partner.parties.some((p) => p.role === 'CPO' && same(p, from))) return party;
    const held = await this.clientInfo.ofParty(partner.id, from.countryCode, from.partyId);
    const cpo = held.find((c) => c.role === 'CPO');
    if (!cpo) {
      const as = held.length > 0 ? `, only as ${held.map((c) => c.role).join(', ')}` : '';
      throw OcpiError.invalidParameters(
        `OCPI-from-country-code / OCPI-from-party-id name ${named(from)}, which this Hub (${named(hub)}) never announced as a CPO${as} (mod_hub_client_info §ClientInfo Object)`,
      );
    }
    if (cpo.status === 'SUSPENDED') {
      throw OcpiError.invalidParameters(
        `OCPI-from-country-code / OCPI-from-party-id name ${named(from)}, which this Hub (${named(hub)}) announced as SUSPENDED (no longer active)`,
      );
    }
    return party;
  }

  /** Every CPO party the Hub announced and did not suspend, and (2.3.0) the CPO roles in its credentials. */
  private async announcedCpos(partner: OcpiPartner): Promise<Array<{ role: string; countryCode: string; partyId: string }>> {
    const held = (await this.clientInfo.ofRole(partner.id, 'CPO')).filter((c) => c.status !== 'SUSPENDED');
    const listed = partner.parties.filter((p) => p.role === 'CPO');
    return [...listed, ...held.map((c) => ({ role: 'CPO', countryCode: c.country_code, partyId: c.party_id }))];
  }
}

/** The partner's HUB role (credentials 2.2.1 §CredentialsRole; 2.3.0 hub_party_id, read as one), if it is a Hub. */
export function hubOf(partner: OcpiPartner): RoutedParty | null {
  const hub = partner.parties.find((p) => p.role === 'HUB');
  return hub ? { countryCode: hub.countryCode.toUpperCase(), partyId: hub.partyId.toUpperCase() } : null;
}
