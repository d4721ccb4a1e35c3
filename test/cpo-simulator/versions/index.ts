/** The version adapters the simulator can serve, by version number. */
import type { SimulatorVersionAdapter } from './simulator-version-adapter';
import { v2_2_1 } from './v2_2_1';

export const VERSION_ADAPTERS: Readonly<Record<string, SimulatorVersionAdapter>> = {
  '2.2.1': v2_2_1,
};

export type { SimulatorVersionAdapter, SimulatorModule, SimulatorParty } from './simulator-version-adapter';
