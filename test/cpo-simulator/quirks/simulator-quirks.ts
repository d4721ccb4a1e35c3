import type { TokenEncoding } from '../auth';
/**
 * Deliberate deviations from the specification that real CPOs show, switched on per test (all off by default,
 * i.e. spec behaviour). Envelope, pagination, failure and wire-style quirks apply to the functional modules
 * (locations, tariffs) unless `modules` says otherwise. Set at start (options.quirks) or any time with
 * `simulator.setQuirks()`, which also restarts every counter.
 */
export interface SimulatorQuirks {
  /** Encoding of the token in the Authorization headers it sends (default: its version's). */
  sendTokenEncoding?: TokenEncoding;
  /** Encodings it accepts on incoming requests (default: only its version's). */
  acceptTokenEncoding?: TokenEncoding | 'either';
  /**
   * Modules left out of its version details (and not served), e.g. ['sessions']; 'credentials' is only left out of the
   * list (it is required of every platform: credentials §Required endpoints not available, hence 3003).
   */
  omitModules?: Array<'credentials' | 'locations' | 'tariffs' | 'sessions' | 'cdrs'>;
  /** The versions URL it puts in its own credentials instead of its real one (e.g. an unreachable one: 3001). */
  advertisedVersionsUrl?: string;
  /** When it registers or updates itself, use the eMSP's credentials endpoint of this version instead of its own (3002). */
  credentialsVersion?: string;
  /** Endpoints the quirks below apply to. Default ['locations', 'tariffs']. */
  modules?: QuirkModule[];
  envelope?: EnvelopeQuirks;
  pagination?: PaginationQuirks;
  /**
   * The first `count` matching requests fail with `httpStatus` (an OCPI 3000 envelope), then spec behaviour. With
   * `after`, that many matching requests succeed first (a CPO that breaks down in the middle of a paginated pull).
   */
  failures?: { count: number; httpStatus: number; retryAfter?: string; methods?: string[]; after?: number };
  /** How the bytes of matching responses go out (size, encoding, pace). */
  body?: BodyQuirks;
  /** Matching responses wait this long before they are written (to trigger client timeouts); a client that hangs up ends the wait. */
  delayMs?: number;
  /** Only the first N matching responses are delayed (default: all). */
  delayCount?: number;
  /** The first N matching responses go out at once, the delay applies from the next one (a pull that slows down mid-way). */
  delayAfter?: number;
  /** The first N matching requests get their connection closed without an answer. */
  dropConnections?: number;
  /** How served objects are dressed on the wire (list and object GETs). */
  wire?: WireStyleQuirks;
  /**
   * A PUT on its credentials endpoint (credentials §PUT) is applied (the eMSP's new token kept, a new token issued for
   * the eMSP) and then answered badly: 'ocpi-error' (HTTP 200, status 3000, no data), 'ocpi-error-with-credentials'
   * (the same, with its new credentials in data), 'drop' (the connection closed without an answer). With
   * `keepOldToken`, the token it issued before keeps working too (the grace period some CPOs give), and a GET on its
   * credentials endpoint with it answers the new one.
   */
  putAfterApplying?: { answer: 'ocpi-error' | 'ocpi-error-with-credentials' | 'drop'; keepOldToken?: boolean };
  /** Present the simulator's credentials role as HUB instead of CPO (credentials 2.2.1 §CredentialsRole). */
  presentAsHub?: boolean;
  /**
   * How its version details `data` (version_information_endpoint §Version details: one object) is dressed: `asList`
   * sends a list of that many copies of the object (0: an empty list), `version` names another version in it.
   */
  versionDetails?: { asList?: number; version?: string };
}

export type QuirkModule = 'versions' | 'details' | 'credentials' | 'locations' | 'tariffs' | 'sessions' | 'cdrs';

export interface EnvelopeQuirks {
  /** Leave out `timestamp` (required, transport_and_format §Response format). */
  omitTimestamp?: boolean;
  /** A success with `data: null` (on a list endpoint: meant as "no objects"). */
  dataNull?: boolean;
  /** `status_code` as a string: "1000". */
  statusCodeAsString?: boolean;
  /** Answer with this OCPI error code instead (HTTP 200 unless httpStatus is given). */
  ocpiError?: { statusCode: number; message?: string; httpStatus?: number };
  /** Answer with a body that is no OCPI envelope at all (e.g. an HTML error page of a proxy). */
  rawBody?: { httpStatus: number; body: string; contentType?: string };
  /** `data` of a list endpoint as an object instead of an array. */
  dataNotAList?: boolean;
  /** Prefix the JSON with a UTF-8 byte order mark. */
  byteOrderMark?: boolean;
}

export interface BodyQuirks {
  /** An unknown field `x_padding` of this many characters in the first object of each list page (a page too large to read). */
  padBytes?: number;
  /** No Content-Length (chunked transfer), so the client learns the size only by reading. */
  chunked?: boolean;
  /** gzip-compressed (Content-Encoding: gzip), whatever the client accepts: small on the wire, large once inflated. */
  gzip?: boolean;
  /** The headers at once, then the body trickles out: `bytes` every `everyMs` milliseconds. */
  trickle?: { bytes: number; everyMs: number };
}

export interface PaginationQuirks {
  /**
   * How the next-page Link is given: 'absolute' (spec), 'relative' (path and query only), 'bare-rel'
   * (`rel=next`, unquoted, after a rel="prev" link whose title holds a comma), 'none' (no Link header),
   * 'loop' (points at the page just served), 'endless' (keeps pointing one page further, beyond the end).
   */
  link?: 'absolute' | 'relative' | 'bare-rel' | 'none' | 'loop' | 'endless';
  /** No X-Total-Count header. */
  omitTotalCount?: boolean;
  /** Ignore the offset parameter (every request gets the first page). */
  ignoreOffset?: boolean;
  /** Report an X-Total-Count one lower on every further list request. */
  shrinkingTotal?: boolean;
  /**
   * The next-page Link keeps its path and query but points at this origin instead (e.g. `http://127.0.0.1:<other
   * port>` or `http://localhost:<port>`): a CPO, or whoever tampers with its answers, sending the client elsewhere.
   */
  foreignLinkOrigin?: string;
  /**
   * X-Total-Count equal to the page's X-Limit whatever the list holds (seen in the field; with `link: 'none'`: full
   * pages, no Link, and a total that says this page is all there is).
   */
  totalIsPageSize?: boolean;
  /**
   * A Sender whose list never ends: every list page comes back full (X-Limit objects) with a Link to the next offset;
   * the objects are copies of the list's first page with fresh ids (`<id>-<position>`), and no X-Total-Count.
   */
  endlessObjects?: boolean;
  /**
   * The list changes between page requests: after `afterLists` list requests of a module, `objects` are inserted at
   * the front of that module's list (their last_updated set to the moment of insertion), before the next request is
   * answered; everything the crawl has not read yet moves back by that many places.
   */
  growAtFront?: { afterLists: number; objects: unknown[] };
  /**
   * The list changes between page requests: after `afterLists` list requests of a module, its first `count` objects
   * are removed, before the next request is answered; everything the crawl has not read yet moves forward.
   */
  shrinkAtFront?: { afterLists: number; count: number };
}

export interface WireStyleQuirks {
  /** Every JSON number of the objects sent as a string ("230"). */
  numbersAsStrings?: boolean;
  /** DateTimes without the 'Z' designator. */
  timestampsWithoutZ?: boolean;
  /** DateTimes with fractional seconds (".250"). */
  fractionalSeconds?: boolean;
  /** "" for some absent optional fields (Location.state, EVSE.floor_level, Tariff.tariff_alt_url). */
  emptyStringsForAbsent?: boolean;
  /** An EVSE capability no OCPI version defines ("FUTURE_CAPABILITY") on every EVSE. */
  unknownEnums?: boolean;
  /**
   * CDRs (2.2.1 / 2.3.0) without `cdr_location.evse_uid`, required by mod_cdrs 2.2.1 §CdrLocation class: only evse_id
   * is sent, as an independent CPO implementation in wide use does.
   */
  cdrWithoutEvseUid?: boolean;
  /** 2.1.1 CDRs with `end_date_time` (the 2.2 name) instead of `stop_date_time` (mod_cdrs 2.1.1 §3.1). */
  cdrEndDateTime?: boolean;
}
