import { AuthorizationLog, AuthorizationRecord } from './authorization-log';

/**
 * Answers waiting to be written are kept as JSON text outside the heap; authorizationFor (mod_tokens 2.2.1
 * §AuthorizationInfo authorization_reference) reads one back from there, whole, before any write happened. The
 * database side (the INSERT, the lookup of written answers) is covered by test/tokens/tokens-sender.e2e-spec.ts.
 */
describe('AuthorizationLog: answers waiting in memory', () => {
  const answer = (i: number, extra: Partial<AuthorizationRecord> = {}): AuthorizationRecord => ({
    token_uid: `TOKEN-${i}`,
    token_type: 'RFID',
    connection_id: '6f1c2a4e-8d3b-4c5a-9e7f-0a1b2c3d4e5f',
    ocpi_version: '2.2.1',
    location_id: `LOC-${i}`,
    evse_uids: [`EVSE-${i}`, 'EVSE-2'],
    connector_ids: null,
    allowed: 'ALLOWED',
    authorization_reference: `ref-${String(i).padStart(32, '0')}`,
    answered_at: new Date(Date.UTC(2026, 5, 1, 12, 0, 0, i % 1000)).toISOString(),
    ...extra,
  });

  it('finds each waiting answer by its reference, across chunks, with strings that look like JSON, quotes, newlines and non-ASCII', async () => {
    // No database is reached: every reference asked for is still waiting (no timer started, nothing flushed).
    const log = new AuthorizationLog(undefined as never);
    const tricky = answer(0, { location_id: 'x","authorization_reference":"ref-00000000000000000000000000000001"}\n,{', evse_uids: ['Überweg 5', 'A\\"B'] });
    const answers = [tricky, ...Array.from({ length: 900 }, (_, i) => answer(i + 1, i % 7 === 0 ? { allowed: 'BLOCKED', authorization_reference: null } : {}))];
    for (const a of answers) log.record(a);
    for (const a of answers.filter((x) => x.authorization_reference !== null)) {
      expect(await log.authorizationFor(a.authorization_reference!)).toEqual(a);
    }
  });
});
