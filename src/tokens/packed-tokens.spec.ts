import { heldKey, HeldTokenRow } from './held-token';
import { PackedTokens, StringTable } from './packed-tokens';
import { CanonicalToken } from './token.model';

/** The in-memory Token set (README: Tokens and real-time authorization): what goes in comes out whole, found case-insensitively. */
describe('PackedTokens', () => {
  const row = (uid: string, extra: Partial<HeldTokenRow> = {}): HeldTokenRow => ({
    uid,
    type: 'RFID',
    contract_id: `NL-ABC-C${uid}`,
    visual_number: null,
    issuer: 'Issuer',
    group_id: null,
    valid: true,
    whitelist: 'ALLOWED',
    language: null,
    default_profile_type: null,
    energy_contract: null,
    valid_until_ms: null,
    denial: null,
    last_updated_ms: Date.parse('2026-06-01T12:00:00.123Z'),
    change_seq: 1,
    ...extra,
  });
  const canonical = (r: HeldTokenRow): CanonicalToken => {
    const { valid_until_ms, last_updated_ms, change_seq, ...fields } = r;
    void change_seq;
    return {
      ...fields,
      valid_until: valid_until_ms === null ? null : new Date(valid_until_ms).toISOString(),
      last_updated: new Date(last_updated_ms).toISOString(),
    };
  };
  const put = (set: PackedTokens, r: HeldTokenRow) => set.put(heldKey(r.uid), r);

  it('gives back every field as put, for every value of each enum and nullable field', () => {
    const set = new PackedTokens(new StringTable());
    const rows = [
      row('04A2B3C4'),
      row('app-user-1', {
        type: 'APP_USER',
        visual_number: 'Card 12',
        group_id: 'G-7',
        valid: false,
        whitelist: 'NEVER',
        language: 'nl',
        default_profile_type: 'GREEN',
        energy_contract: { supplier_name: 'Greenpower', contract_id: 'GP-1' },
        valid_until_ms: Date.parse('2027-01-01T00:00:00.000Z'),
        denial: 'NO_CREDIT',
        change_seq: 2,
      }),
      row('Mixed-Case', { whitelist: 'ALLOWED_OFFLINE', default_profile_type: 'REGULAR', denial: 'NOT_ALLOWED', visual_number: '' }),
      row('wide', { issuer: 'Émetteur', contract_id: 'NL-ABC-Ł01', visual_number: 'Карта 1' }),
      row('straße'),
    ];
    for (const r of rows) put(set, r);
    expect(set.size).toBe(rows.length);
    for (const r of rows) expect(set.get(heldKey(r.uid), r.type)).toEqual(canonical(r));
  });

  it('finds a Token by its uid in any case and nothing for an unknown uid', () => {
    const set = new PackedTokens(new StringTable());
    put(set, row('abc123'));
    expect(set.get('ABC123', 'RFID')?.uid).toBe('abc123');
    expect(set.get('ABC124', 'RFID')).toBeUndefined();
    expect(set.get('ABC12', 'RFID')).toBeUndefined();
  });

  it('keeps the later change of a Token and ignores an earlier one arriving late', () => {
    const set = new PackedTokens(new StringTable());
    put(set, row('T1', { change_seq: 5, valid: true }));
    put(set, row('t1', { change_seq: 7, valid: false, contract_id: 'NL-ABC-CHANGED', visual_number: 'V' }));
    put(set, row('T1', { change_seq: 6, valid: true }));
    expect(set.size).toBe(1);
    expect(set.get('T1', 'RFID')).toEqual(canonical(row('t1', { change_seq: 7, valid: false, contract_id: 'NL-ABC-CHANGED', visual_number: 'V' })));
  });

  it('holds many Tokens through growth, and through many changes of each (the strings left behind reclaimed)', () => {
    const set = new PackedTokens(new StringTable());
    const n = 20_000;
    for (let round = 1; round <= 5; round++) {
      for (let i = 0; i < n; i++) put(set, row(`TOKEN-${i}`, { change_seq: round, contract_id: `C-${i}-${round}`, group_id: `G${i % 10}` }));
    }
    expect(set.size).toBe(n);
    for (let i = 0; i < n; i += 997) {
      expect(set.get(`TOKEN-${i}`, 'RFID')).toEqual(canonical(row(`TOKEN-${i}`, { change_seq: 5, contract_id: `C-${i}-5`, group_id: `G${i % 10}` })));
    }
  });
});
