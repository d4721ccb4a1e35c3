/** Public API of the CPO simulator. */
export { startCpoSimulator } from './cpo-simulator';
export type {
  CpoSimulator,
  CpoSimulatorOptions,
  SimulatorClientCall,
  SimulatorQuirks,
  SimulatorRegistration,
  SimulatorRequestLogEntry,
  SenderModule,
  SimulatorRole,
  TokenKind,
} from './simulator-types';
export { generateLocations, GENERATOR_BASE_DATE, GENERATOR_SPREAD_DAYS, type GenerateLocationsOptions } from './location-generator';
export { findProjectRoot, loadFixtureFiles, loadFixtureLocations, loadFixtureTariffs, type FixtureFile, type FixtureOwner, type FixtureSet } from './fixtures';
export type { EnvelopeQuirks, PaginationQuirks, QuirkModule, WireStyleQuirks } from './quirks/simulator-quirks';
export { encodeAuthorization, encodeBase64Authorization, parseBase64Authorization, type TokenEncoding } from './auth';
export { OcpiStatus } from './http-envelope';
export { mulberry32, type Rng } from './prng';
export { toOcpi211Location, toOcpi211Tariff } from './versions/objects-2-1-1';
export { withOcpi230Fields } from './versions/objects-2-3-0';
export { generateCdrs, type GenerateCdrsOptions } from './cdr-generator';
export { runningSession, sessionsOfCdrs, type RunningSessionOptions } from './session-generator';
export { loadCdrExample } from './fixtures';
export type { PushResult } from './cdr-push';
export type { TokensAnswer, TokensQuery } from './tokens-client';
export type { SimulatorVersionAdapter } from './versions';
export type * from './ocpi-types';
export * from './push-api';
