/**
 * Per-country defaults for generated Locations: ISO 3166-1 alpha-3 `country`, IANA `time_zone`,
 * a city name, street names and a postal code shape (mod_locations 2.2.1 §Location object).
 */
import type { Rng } from './prng';

export interface CountryProfile {
  alpha3: string;
  timeZone: string;
  city: string;
  streets: readonly string[];
  postalCode(rng: Rng): string;
}

const letters = (rng: Rng, n: number): string => Array.from({ length: n }, () => String.fromCharCode(65 + rng.int(0, 25))).join('');
const digits = (rng: Rng, n: number, first = 0): string => String(rng.int(first, 9)) + Array.from({ length: n - 1 }, () => String(rng.int(0, 9))).join('');

const PROFILES: Readonly<Record<string, CountryProfile>> = {
  NL: {
    alpha3: 'NLD',
    timeZone: 'Europe/Amsterdam',
    city: 'Amsterdam',
    streets: ['Stationsplein', 'Damrak', 'Prinsengracht', 'Keizersgracht', 'Overtoom', 'Wibautstraat', 'Amstelveenseweg', 'Kinkerstraat', 'Vijzelstraat', 'Sarphatistraat'],
    postalCode: (rng) => `${digits(rng, 4, 1)} ${letters(rng, 2)}`,
  },
  BE: {
    alpha3: 'BEL',
    timeZone: 'Europe/Brussels',
    city: 'Brussel',
    streets: ['Rue de la Loi', 'Avenue Louise', 'Boulevard Anspach', 'Rue Neuve', 'Chaussée de Wavre', 'Rue Royale'],
    postalCode: (rng) => digits(rng, 4, 1),
  },
  DE: {
    alpha3: 'DEU',
    timeZone: 'Europe/Berlin',
    city: 'Berlin',
    streets: ['Hauptstraße', 'Bahnhofstraße', 'Friedrichstraße', 'Karl-Marx-Allee', 'Kurfürstendamm', 'Torstraße', 'Schönhauser Allee'],
    postalCode: (rng) => digits(rng, 5, 1),
  },
  FR: {
    alpha3: 'FRA',
    timeZone: 'Europe/Paris',
    city: 'Paris',
    streets: ['Rue de Rivoli', 'Boulevard Haussmann', 'Avenue de la République', 'Rue de la Paix', 'Boulevard Voltaire', 'Rue Lafayette'],
    postalCode: (rng) => `75${digits(rng, 3)}`,
  },
  GB: {
    alpha3: 'GBR',
    timeZone: 'Europe/London',
    city: 'London',
    streets: ['High Street', 'Station Road', 'Church Lane', 'Victoria Road', 'Green Lane', 'Park Road'],
    postalCode: (rng) => `${letters(rng, 2)}${rng.int(1, 9)} ${rng.int(1, 9)}${letters(rng, 2)}`,
  },
  SE: {
    alpha3: 'SWE',
    timeZone: 'Europe/Stockholm',
    city: 'Stockholm',
    streets: ['Drottninggatan', 'Sveavägen', 'Kungsgatan', 'Götgatan', 'Hornsgatan'],
    postalCode: (rng) => `${digits(rng, 3, 1)} ${digits(rng, 2)}`,
  },
  US: {
    alpha3: 'USA',
    timeZone: 'America/New_York',
    city: 'New York',
    streets: ['Broadway', 'Main Street', 'Park Avenue', 'Madison Avenue', 'Lexington Avenue'],
    postalCode: (rng) => digits(rng, 5, 1),
  },
};

/** Takes an ISO 3166-1 alpha-2 code; returns its profile, or undefined if there is none. */
export function countryProfile(countryCode: string): CountryProfile | undefined {
  return PROFILES[countryCode.toUpperCase()];
}
