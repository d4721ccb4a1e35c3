/**
 * The OCPI specification's example Sessions, read from the spec (/work/shared/ocpi-spec, or OCPI_SPEC_DIR) at test
 * time: 2.2.1 and 2.3.0 have them as files in examples/ (mod_sessions §Examples includes them), 2.1.1 prints them in
 * mod_sessions.md §3.1 "Examples" as JSON code blocks, read out of the Markdown here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SPEC_ROOT, specJson } from '../../tariffs/support/spec-examples';

/** The JSON code blocks of a Markdown file of the spec, parsed, in order (a request line before the body, as in "PATCH To URL: …", is skipped). */
export function markdownJsonBlocks(version: '2.1.1', file: string): any[] {
  const text = readFileSync(join(SPEC_ROOT, version, file), 'utf8');
  return [...text.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1].slice(m[1].indexOf('{'))));
}

/**
 * The two example Sessions of a version: "Simple Session example of (just starting) a session" and "… of a short
 * finished session" (mod_sessions 2.1.1 §3.1 Examples; 2.2.1 and 2.3.0 §Session object, Examples).
 */
export function specSessions(version: '2.1.1' | '2.2.1' | '2.3.0'): { starting: any; finished: any } {
  if (version === '2.1.1') {
    const sessions = markdownJsonBlocks('2.1.1', 'mod_sessions.md').filter((b) => b.id !== undefined && b.status !== undefined);
    return { starting: sessions.find((s) => s.status === 'PENDING'), finished: sessions.find((s) => s.status === 'COMPLETED') };
  }
  return { starting: specJson(version, 'session_example_1_simple_start.json'), finished: specJson(version, 'session_example_2_short_finished.json') };
}

/** The PATCH examples of mod_sessions 2.2.1 / 2.3.0 §PATCH Method: "update the total cost", "adding a new ChargingPeriod". */
export function specSessionPatches(version: '2.2.1' | '2.3.0'): { totalCost: any; chargingPeriod: any } {
  return { totalCost: specJson(version, 'session_patch_example_total_cost.json'), chargingPeriod: specJson(version, 'session_patch_example_charging_period.json') };
}
