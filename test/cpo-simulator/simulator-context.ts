/** Server-wide state the endpoint handlers share. */
import type { RegistrationState } from './registration-state';
import type { SimulatorModule, SimulatorParty, SimulatorVersionAdapter } from './versions';

export interface SimulatorUrls extends Record<SimulatorModule, string> {
  /** The versions endpoint. */
  versions: string;
  /** The version details endpoint of the served version. */
  details: string;
}

export interface SimulatorContext {
  adapter: SimulatorVersionAdapter;
  party: SimulatorParty;
  registration: RegistrationState;
  urls: SimulatorUrls;
  maxPageLimit: number;
  /** Served objects, in page order; replaced wholesale by setLocations/setTariffs. */
  store: { locations: unknown[]; tariffs: unknown[] };
}
