/**
 * The simulator as a Sender pushing to an eMSP's Receiver interfaces, for OCPI 2.1.1, 2.2.1 and 2.3.0 (the spec's
 * "client owned object push", transport_and_format 2.2.1 §Client Owned Object Push; 2.1.1 calls them eMSP Interfaces).
 *
 * URLs, all under the endpoint the eMSP lists in its version details (2.2+: role RECEIVER; 2.1.1: no role), with the
 * owning party in the path in every version (2.1.1 too: mod_locations 2.1.1 §2.2 eMSP Interface
 * `/locations/{country_code}/{party_id}/{location_id}`):
 * - Locations (mod_locations 2.2.1 §Receiver Interface, 2.1.1 §2.2): `{locations}/{cc}/{pid}/{location_id}[/{evse_uid}[/{connector_id}]]`
 *   GET, PUT (Location, EVSE or Connector), PATCH (same three levels): putLocation, putEvse, putConnector,
 *   patchLocation, patchEvse, patchConnector, getLocation.
 * - Tariffs (mod_tariffs 2.2.1 §Receiver Interface, 2.1.1 §2.2): `{tariffs}/{cc}/{pid}/{tariff_id}`: putTariff,
 *   patchTariff (2.1.1 only; 2.2.1 and 2.3.0 list PATCH as n/a, so there it shows how the receiver refuses it),
 *   deleteTariff, getTariff.
 * - Sessions (mod_sessions 2.2.1 §Receiver Interface, 2.1.1 §2.2): `{sessions}/{cc}/{pid}/{session_id}`: putSession,
 *   patchSession, getSession.
 * - CDRs (mod_cdrs 2.2.1 §Receiver Interface): POST `{cdrs}` (postCdr), GET the URL of the answer's Location header
 *   (getCdr).
 *
 * The party in the URL is `options.party`, else the body's country_code / party_id (2.2+ objects carry them), else the
 * client's own party (2.1.1 objects carry none). Every call resolves to a {@link PushAnswer} (HTTP status, OCPI
 * status_code / status_message, the envelope's data, the Location header); an error answer never rejects, and a call
 * that got no answer at all is HTTP status 0 with the reason as message. Every answer is also appended to
 * `client.answers`. Options per call: `headers` (added last, e.g. a Hub's OCPI-from/OCPI-to routing headers, see
 * {@link routingHeaders}), `rawBody` (sent instead of the JSON of the object, for malformed bodies), `party`.
 * Authorization: the credentials token the eMSP gave us, in the version's encoding (Base64 in 2.2+, as is in 2.1.1),
 * or `encoding` when given; 2.2+ calls also carry fresh X-Request-ID / X-Correlation-ID.
 *
 * Build one with {@link pushClientFor} (a running simulator: its registration gives token and endpoints, read on
 * every call so a rotated token is used at once) or `new PushClient(target)` (a fixed URL and token, e.g. a benchmark).
 */
import { randomUUID } from 'node:crypto';
import { encodeAuthorization, type TokenEncoding } from './auth';
import { isRecord } from './guards';
import type { RawObject, SimulatorVersionId } from './ocpi-types';
import type { CpoSimulator } from './simulator-types';
import { VERSION_ADAPTERS } from './versions';

/** The Receiver modules the push client calls. */
export type PushModule = 'locations' | 'tariffs' | 'sessions' | 'cdrs';

/** A party as in credentials 2.2.1 §CredentialsRole: country_code + party_id. */
export interface PushParty {
  countryCode: string;
  partyId: string;
}

/** Where and how to push. */
export interface PushTarget {
  version: SimulatorVersionId;
  /** The credentials token the eMSP gave us (sent in `encoding`). */
  token: string;
  /** Default: the version's (transport_and_format 2.2.1 §Authorization header: base64; 2.1.1: plain). */
  encoding?: TokenEncoding;
  /** The eMSP's Receiver endpoint URL per module (those it lists). */
  endpoints: Partial<Record<PushModule, string>>;
  /** The party objects without country_code / party_id are pushed under (the CPO's own). */
  party: PushParty;
}

/** One call's outcome. */
export interface PushAnswer {
  method: string;
  url: string;
  /** HTTP status; 0 when no answer came (refused connection, timeout). */
  httpStatus: number;
  /** The envelope's status_code, or null when the answer had none. */
  ocpiStatus: number | null;
  /** status_message, or why there was no answer. */
  message: string | null;
  /** The envelope's data (GET: the object), or undefined. */
  data: unknown;
  /** The Location header (CDR POST: the URL to GET it back). */
  location: string | null;
  /** The answer's headers, names lower-case (e.g. the routing headers a Hub-aware receiver swaps). */
  headers: Record<string, string>;
  /** Milliseconds from sending to the end of the body. */
  durationMs: number;
}

/** Per-call options. */
export interface PushOptions {
  /** The party in the URL; default the body's, else the target's. */
  party?: PushParty;
  /** Extra request headers, added after (and so overriding) the client's own. */
  headers?: Record<string, string>;
  /** Sent as the body instead of JSON.stringify(object), verbatim (malformed JSON, wrong types …). */
  rawBody?: string;
  /** Overrides the object id taken from the body (PUT of an object without an id). */
  id?: string;
  signal?: AbortSignal;
}

/** One request the client can make: what push sequences are made of (see push-sequences.ts). */
export interface PushRequest {
  module: PushModule;
  method: 'GET' | 'PUT' | 'PATCH' | 'DELETE' | 'POST';
  /** The party segments; null for CDR POST (which has none). */
  party: PushParty | null;
  /** Path segments after the party: [location_id, evse_uid?, connector_id?], [tariff_id], [session_id]; [] for CDR POST. */
  ids: string[];
  body?: unknown;
  rawBody?: string;
}

const TIMEOUT_MS = 10_000;

/**
 * transport_and_format 2.2.1 §Message Routing Headers: OCPI-from-country-code / OCPI-from-party-id /
 * OCPI-to-country-code / OCPI-to-party-id, for a push through a Hub (pass as `headers`).
 */
export function routingHeaders(from: PushParty, to: PushParty): Record<string, string> {
  return {
    'OCPI-from-country-code': from.countryCode,
    'OCPI-from-party-id': from.partyId,
    'OCPI-to-country-code': to.countryCode,
    'OCPI-to-party-id': to.partyId,
  };
}

/** The body's country_code / party_id when it carries both (2.2+ objects), else null. */
function partyOfBody(body: unknown): PushParty | null {
  return isRecord(body) && typeof body.country_code === 'string' && typeof body.party_id === 'string' ? { countryCode: body.country_code, partyId: body.party_id } : null;
}

function idOf(body: unknown, key: string, options: PushOptions): string {
  const id = options.id ?? (isRecord(body) ? body[key] : undefined);
  if (typeof id !== 'string' && typeof id !== 'number') throw new Error(`push: the object has no ${key}; pass options.id`);
  return String(id);
}

export class PushClient {
  /** Every answer received, in order (live array). */
  readonly answers: PushAnswer[] = [];

  /**
   * Takes a fixed target, or a function read on every call (a simulator whose token may rotate); `keepAnswers: false`
   * leaves `answers` empty (a load driver's millions of calls).
   */
  constructor(
    private readonly target: PushTarget | (() => PushTarget),
    private readonly options: { keepAnswers?: boolean } = {},
  ) {}

  private current(): PushTarget {
    return typeof this.target === 'function' ? this.target() : this.target;
  }

  /** The OCPI version pushed in. */
  get version(): SimulatorVersionId {
    return this.current().version;
  }

  /** The party objects are pushed under by default (the CPO's own). */
  get party(): PushParty {
    return this.current().party;
  }

  /** The URL of a request, per the module's Receiver endpoint structure. @throws Error when the eMSP lists no such endpoint. */
  urlOf(request: Pick<PushRequest, 'module' | 'party' | 'ids'>): string {
    const base = this.current().endpoints[request.module];
    if (!base) throw new Error(`push: the eMSP lists no ${request.module} Receiver endpoint`);
    const segments = [...(request.party ? [request.party.countryCode, request.party.partyId] : []), ...request.ids];
    return [base.replace(/\/+$/, ''), ...segments.map(encodeURIComponent)].join('/');
  }

  /** Sends one request (a step of a push sequence, or any hand-made one). */
  async send(request: PushRequest, options: Pick<PushOptions, 'headers' | 'signal'> = {}): Promise<PushAnswer> {
    return this.request(request.method, this.urlOf(request), request.body, { ...options, rawBody: request.rawBody });
  }

  /** Sends `method` to an absolute URL with our token; never rejects on an error answer. */
  async request(method: string, url: string, body: unknown, options: Pick<PushOptions, 'headers' | 'signal' | 'rawBody'> = {}): Promise<PushAnswer> {
    const target = this.current();
    const adapter = VERSION_ADAPTERS[target.version];
    const payload = options.rawBody ?? (body === undefined ? undefined : JSON.stringify(body));
    const headers: Record<string, string> = {
      Authorization: encodeAuthorization(target.token, target.encoding ?? adapter.tokenEncoding),
      ...(payload === undefined ? {} : { 'Content-Type': 'application/json' }),
      // transport_and_format 2.2.1 §Unique message IDs; 2.1.1 has none.
      ...(adapter.routingHeaders ? { 'X-Request-ID': randomUUID(), 'X-Correlation-ID': randomUUID() } : {}),
      ...(options.headers ?? {}),
    };
    const signal = options.signal ? AbortSignal.any([options.signal, AbortSignal.timeout(TIMEOUT_MS)]) : AbortSignal.timeout(TIMEOUT_MS);
    const started = performance.now();
    let answer: PushAnswer;
    try {
      const response = await fetch(url, { method, headers, body: payload, signal });
      const text = await response.text();
      let envelope: unknown = null;
      try {
        envelope = JSON.parse(text);
      } catch {
        // not JSON: reported through the HTTP status alone
      }
      answer = {
        method,
        url,
        httpStatus: response.status,
        ocpiStatus: isRecord(envelope) && typeof envelope.status_code === 'number' ? envelope.status_code : null,
        message: isRecord(envelope) && typeof envelope.status_message === 'string' ? envelope.status_message : null,
        data: isRecord(envelope) ? envelope.data : undefined,
        location: response.headers.get('location'),
        headers: Object.fromEntries(response.headers.entries()),
        durationMs: performance.now() - started,
      };
    } catch (error) {
      answer = {
        method,
        url,
        httpStatus: 0,
        ocpiStatus: null,
        message: (error as Error).message,
        data: undefined,
        location: null,
        headers: {},
        durationMs: performance.now() - started,
      };
    }
    if (this.options.keepAnswers !== false) this.answers.push(answer);
    return answer;
  }

  private partyFor(body: unknown, options: PushOptions): PushParty {
    return options.party ?? partyOfBody(body) ?? this.current().party;
  }

  private call(module: PushModule, method: PushRequest['method'], party: PushParty, ids: string[], body: unknown, options: PushOptions): Promise<PushAnswer> {
    return this.request(method, this.urlOf({ module, party, ids }), body, options);
  }

  /** mod_locations 2.2.1 §PUT Method: a whole Location at `{location_id}` (its `id`). */
  putLocation(location: RawObject, options: PushOptions = {}): Promise<PushAnswer> {
    return this.call('locations', 'PUT', this.partyFor(location, options), [idOf(location, 'id', options)], location, options);
  }

  /** mod_locations 2.2.1 §PUT Method: a whole EVSE at `{location_id}/{evse_uid}` (its `uid`). */
  putEvse(locationId: string, evse: RawObject, options: PushOptions = {}): Promise<PushAnswer> {
    return this.call('locations', 'PUT', this.partyFor(null, options), [locationId, idOf(evse, 'uid', options)], evse, options);
  }

  /** mod_locations 2.2.1 §PUT Method: a whole Connector at `{location_id}/{evse_uid}/{connector_id}` (its `id`). */
  putConnector(locationId: string, evseUid: string, connector: RawObject, options: PushOptions = {}): Promise<PushAnswer> {
    return this.call('locations', 'PUT', this.partyFor(null, options), [locationId, evseUid, idOf(connector, 'id', options)], connector, options);
  }

  /** mod_locations 2.2.1 §PATCH Method on a Location (2.2+: the patch SHALL carry last_updated). */
  patchLocation(locationId: string, patch: RawObject, options: PushOptions = {}): Promise<PushAnswer> {
    return this.call('locations', 'PATCH', this.partyFor(null, options), [locationId], patch, options);
  }

  /** mod_locations 2.2.1 §PATCH Method on an EVSE, e.g. `{ status, last_updated }` (§Example: a simple status update). */
  patchEvse(locationId: string, evseUid: string, patch: RawObject, options: PushOptions = {}): Promise<PushAnswer> {
    return this.call('locations', 'PATCH', this.partyFor(null, options), [locationId, evseUid], patch, options);
  }

  /** mod_locations 2.2.1 §PATCH Method on a Connector, e.g. `{ tariff_ids, last_updated }` (§Example: set tariff update). */
  patchConnector(locationId: string, evseUid: string, connectorId: string, patch: RawObject, options: PushOptions = {}): Promise<PushAnswer> {
    return this.call('locations', 'PATCH', this.partyFor(null, options), [locationId, evseUid, connectorId], patch, options);
  }

  /** mod_locations 2.2.1 §Receiver Interface §GET Method: the Location, EVSE or Connector as the eMSP holds it. */
  getLocation(locationId: string, evseUid?: string, connectorId?: string, options: PushOptions = {}): Promise<PushAnswer> {
    const ids = [locationId, ...(evseUid === undefined ? [] : [evseUid]), ...(connectorId === undefined ? [] : [connectorId])];
    return this.call('locations', 'GET', this.partyFor(null, options), ids, undefined, options);
  }

  /** mod_tariffs 2.2.1 §PUT Method: a whole Tariff at `{tariff_id}`. */
  putTariff(tariff: RawObject, options: PushOptions = {}): Promise<PushAnswer> {
    return this.call('tariffs', 'PUT', this.partyFor(tariff, options), [idOf(tariff, 'id', options)], tariff, options);
  }

  /** mod_tariffs 2.1.1 §2.2.3 PATCH Method (2.2.1 / 2.3.0: n/a). */
  patchTariff(tariffId: string, patch: RawObject, options: PushOptions = {}): Promise<PushAnswer> {
    return this.call('tariffs', 'PATCH', this.partyFor(null, options), [tariffId], patch, options);
  }

  /** mod_tariffs 2.2.1 §DELETE Method. */
  deleteTariff(tariffId: string, options: PushOptions = {}): Promise<PushAnswer> {
    return this.call('tariffs', 'DELETE', this.partyFor(null, options), [tariffId], undefined, options);
  }

  /** mod_tariffs 2.2.1 §Receiver Interface §GET Method. */
  getTariff(tariffId: string, options: PushOptions = {}): Promise<PushAnswer> {
    return this.call('tariffs', 'GET', this.partyFor(null, options), [tariffId], undefined, options);
  }

  /** mod_sessions 2.2.1 §PUT Method: a whole Session at `{session_id}` (its charging_periods replace the held ones). */
  putSession(session: RawObject, options: PushOptions = {}): Promise<PushAnswer> {
    return this.call('sessions', 'PUT', this.partyFor(session, options), [idOf(session, 'id', options)], session, options);
  }

  /** mod_sessions 2.2.1 §PATCH Method: charging_periods in a patch are added to the held ones (2.2+). */
  patchSession(sessionId: string, patch: RawObject, options: PushOptions = {}): Promise<PushAnswer> {
    return this.call('sessions', 'PATCH', this.partyFor(null, options), [sessionId], patch, options);
  }

  /** mod_sessions 2.2.1 §Receiver Interface §GET Method. */
  getSession(sessionId: string, options: PushOptions = {}): Promise<PushAnswer> {
    return this.call('sessions', 'GET', this.partyFor(null, options), [sessionId], undefined, options);
  }

  /** mod_cdrs 2.2.1 §Receiver Interface §POST Method: POST to `{cdrs}` itself; the answer's `location` is where to GET it. */
  postCdr(cdr: RawObject, options: PushOptions = {}): Promise<PushAnswer> {
    return this.request('POST', this.urlOf({ module: 'cdrs', party: null, ids: [] }), cdr, options);
  }

  /** mod_cdrs 2.2.1 §Receiver Interface §GET Method: the URL the POST's Location header gave. */
  getCdr(url: string, options: PushOptions = {}): Promise<PushAnswer> {
    return this.request('GET', url, undefined, options);
  }
}

/**
 * A push client for a registered simulator: the token the eMSP gave it, the Receiver endpoints of the eMSP's version
 * details (2.2+: role RECEIVER; 2.1.1: no role), the simulator's version and party, all read again on every call.
 * `encoding` overrides the version's token encoding (a CPO that gets it wrong). Calls throw when not registered.
 */
export function pushClientFor(sim: CpoSimulator, options: { encoding?: TokenEncoding } = {}): PushClient {
  return new PushClient(() => {
    const state = sim.registration;
    if (!state.tokenForClient || !state.clientVersionDetails) throw new Error('push: the simulator is not registered with an eMSP');
    const endpoints: Partial<Record<PushModule, string>> = {};
    for (const e of state.clientVersionDetails.endpoints) {
      if ((e.role === undefined || e.role === 'RECEIVER') && (['locations', 'tariffs', 'sessions', 'cdrs'] as string[]).includes(e.identifier)) {
        endpoints[e.identifier as PushModule] ??= e.url;
      }
    }
    return {
      version: sim.version as SimulatorVersionId,
      token: state.tokenForClient,
      encoding: options.encoding,
      endpoints,
      party: { countryCode: sim.countryCode, partyId: sim.partyId },
    };
  });
}
