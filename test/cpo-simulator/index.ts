/** Public API of the CPO simulator. */
export { startCpoSimulator } from './cpo-simulator';
export type {
  CpoSimulator,
  CpoSimulatorOptions,
  SimulatorQuirks,
  SimulatorRegistration,
  SimulatorRequestLogEntry,
  TokenKind,
} from './simulator-types';
export { generateLocations, GENERATOR_BASE_DATE, GENERATOR_SPREAD_DAYS, type GenerateLocationsOptions } from './location-generator';
export { findProjectRoot, loadFixtureFiles, loadFixtureLocations, loadFixtureTariffs, type FixtureFile, type FixtureOwner, type FixtureSet } from './fixtures';
export type { EnvelopeQuirks, PaginationQuirks, QuirkModule, WireStyleQuirks } from './quirks/simulator-quirks';
export { encodeBase64Authorization, parseBase64Authorization } from './auth';
export { OcpiStatus } from './http-envelope';
export { mulberry32, type Rng } from './prng';
export type { SimulatorVersionAdapter } from './versions';
export type * from './ocpi-types';
