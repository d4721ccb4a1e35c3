/** Server-wide state the endpoint handlers share. */
import type { TokenEncoding } from './auth';
import type { CredentialsRole } from './ocpi-types';
import type { RegistrationState } from './registration-state';
import type { SimulatorClientCall, SimulatorQuirks } from './simulator-types';
import type { SimulatorModule, SimulatorVersionAdapter } from './versions';
import type { ReceiversState } from './receivers-module';

export interface SimulatorUrls extends Record<SimulatorModule, string> {
  /** The versions endpoint. */
  versions: string;
  /** The version details endpoint of the served version. */
  details: string;
}

export interface SimulatorContext {
  /** The served version; replaced by switchVersion. */
  adapter: SimulatorVersionAdapter;
  /** Our identity in served objects and routing headers. */
  party: { countryCode: string; partyId: string };
  /** The roles in our credentials. */
  roles: CredentialsRole[];
  hubPartyId?: string;
  registration: RegistrationState;
  /** Current URLs; replaced by switchVersion and relocateEndpoints. */
  urls: SimulatorUrls;
  /** Path segments between the base path and the version (non-empty after relocateEndpoints). */
  prefix: string[];
  maxPageLimit: number;
  quirks: SimulatorQuirks;
  /**
   * Served objects, in page order; replaced wholesale by setLocations/setTariffs/setSessions/setCdrs. sessions / cdrs
   * null: no Sessions / CDRs module. hubClientInfo: the ClientInfo list a Hub serves (null: no hubclientinfo module).
   */
  store: {
    locations: unknown[];
    tariffs: unknown[];
    sessions: unknown[] | null;
    cdrs: unknown[] | null;
    hubClientInfo: unknown[] | null;
    /** The InvoiceReconciliationRecords its Sender interface serves (2.3.0 only; null: no invoicereconciliation module). */
    invoiceReconciliation: unknown[] | null;
  };
  /** The Sender interfaces offered; null: every module served. */
  senders: ReadonlySet<string> | null;
  /** The Commands and Tokens Receiver interfaces (what the eMSP sends us). */
  receivers: ReceiversState;
  /** Calls made to the eMSP. */
  clientCalls: SimulatorClientCall[];
  /** Called after answering a request of the eMSP made with the token offered in our open POST or PUT. */
  onOfferedTokenUse?: () => void;
}

/** The encoding we send our tokens in: the version's, unless a quirk says otherwise. */
export function sendingEncoding(ctx: SimulatorContext): TokenEncoding {
  return ctx.quirks.sendTokenEncoding ?? ctx.adapter.tokenEncoding;
}

/** Our credentials in the served version's shape, with `token` for the eMSP. */
export function ownCredentials(ctx: SimulatorContext, token: string): Record<string, unknown> {
  return ctx.adapter.ownCredentials(token, ctx.quirks.advertisedVersionsUrl ?? ctx.urls.versions, ctx.roles, ctx.hubPartyId);
}
