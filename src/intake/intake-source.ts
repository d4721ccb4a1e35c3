import { OcpiVersionAdapter } from '../ocpi/adapter/ocpi-version-adapter';

/** How objects reached us: our GET of a CPO's Sender interface, or the CPO's call to our Receiver interface. */
export type IntakeChannel = 'PULL' | 'PUSH';

/**
 * What the intake step needs to know about where a batch of objects came from. Built by its callers (a pull from
 * the connection, a receiver from the authenticated partner), so the intake never reads connections itself.
 */
export interface IntakeSource {
  connectionId: string;
  channel: IntakeChannel;
  /** The version the objects are written in: the connection's for a pull, the path's for a push. */
  adapter: OcpiVersionAdapter;
  /** The version agreed in the credentials handshake; a push on another version's path is read but counted. */
  agreedVersion: string | null;
  /** The connection's parties (credentials 2.2.1 §CredentialsRole): the only owners of objects it may send. */
  parties: ReadonlyArray<{ role: string; countryCode: string; partyId: string }>;
  /** The pull these objects belong to; null for a push. */
  syncRunId: string | null;
}
