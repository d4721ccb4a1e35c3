import { decide } from './token-authorizer';
import { CanonicalToken } from './token.model';

/** mod_tokens 2.2.1 §AllowedType: which answer a Token gets, and which reason wins when several hold (README: Tokens). */
describe('decide (mod_tokens 2.2.1 §AllowedType)', () => {
  const now = new Date('2026-06-01T12:00:00Z');
  const token = (extra: Partial<CanonicalToken> = {}): CanonicalToken => ({
    uid: 'U',
    type: 'RFID',
    contract_id: 'C',
    visual_number: null,
    issuer: 'I',
    group_id: 'G1',
    valid: true,
    whitelist: 'ALLOWED',
    language: null,
    default_profile_type: null,
    energy_contract: null,
    valid_until: null,
    denial: null,
    last_updated: '2026-01-01T00:00:00.000Z',
    ...extra,
  });
  const all = { kind: 'ALL' } as const;

  it('ALLOWED when nothing holds against it; valid_until in the future does not', () => {
    expect(decide(token(), all, now)).toBe('ALLOWED');
    expect(decide(token({ valid_until: '2026-06-01T12:00:01Z' }), all, now)).toBe('ALLOWED');
  });

  it('BLOCKED before EXPIRED before the scope before the denial', () => {
    const everything = { valid: false, valid_until: '2026-01-01T00:00:00Z', denial: 'NO_CREDIT' as const };
    expect(decide(token(everything), { kind: 'NONE' }, now)).toBe('BLOCKED');
    expect(decide(token({ ...everything, valid: true }), { kind: 'NONE' }, now)).toBe('EXPIRED');
    expect(decide(token({ denial: 'NO_CREDIT' }), { kind: 'NONE' }, now)).toBe('NOT_ALLOWED');
    expect(decide(token({ denial: 'NO_CREDIT' }), all, now)).toBe('NO_CREDIT');
    expect(decide(token({ denial: 'NOT_ALLOWED' }), all, now)).toBe('NOT_ALLOWED');
  });

  it('EXPIRED from the instant valid_until names; a GROUPS scope admits only its groups (a Token without group is outside)', () => {
    expect(decide(token({ valid_until: '2026-06-01T12:00:00Z' }), all, now)).toBe('EXPIRED');
    expect(decide(token(), { kind: 'GROUPS', group_ids: ['G1'] }, now)).toBe('ALLOWED');
    expect(decide(token(), { kind: 'GROUPS', group_ids: ['G2'] }, now)).toBe('NOT_ALLOWED');
    expect(decide(token({ group_id: null }), { kind: 'GROUPS', group_ids: ['G1'] }, now)).toBe('NOT_ALLOWED');
  });
});
