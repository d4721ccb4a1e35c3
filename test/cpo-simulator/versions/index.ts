/** The version adapters the simulator can serve, by version number. */
import type { SimulatorVersionAdapter } from './simulator-version-adapter';
import { v2_1_1 } from './v2_1_1';
import { v2_2_1 } from './v2_2_1';
import { v2_3_0 } from './v2_3_0';

export const VERSION_ADAPTERS: Readonly<Record<string, SimulatorVersionAdapter>> = {
  '2.1.1': v2_1_1,
  '2.2.1': v2_2_1,
  '2.3.0': v2_3_0,
};

export type { SimulatorVersionAdapter, SimulatorModule, SimulatorParty } from './simulator-version-adapter';
