import { mapClientInfo221, serialiseClientInfo221 } from './client-info.mapper';

describe('mod_hub_client_info 2.2.1 §ClientInfo Object (2.3.0 the same)', () => {
  const valid = { party_id: 'abc', country_code: 'nl', role: 'CPO', status: 'CONNECTED', last_updated: '2026-11-01T10:00:00+01:00' };

  it('reads party_id and country_code as CiString (upper-cased), the status, and last_updated in UTC', () => {
    expect(mapClientInfo221(valid)).toEqual({
      ok: true,
      value: { party_id: 'ABC', country_code: 'NL', role: 'CPO', status: 'CONNECTED', last_updated: new Date('2026-11-01T09:00:00.000Z') },
    });
  });

  it.each([
    [{ ...valid, status: 'ASLEEP' }, 'status is missing or not a ConnectionStatus (CONNECTED, OFFLINE, PLANNED, SUSPENDED): "ASLEEP"'],
    [{ ...valid, party_id: 'ABCD' }, 'party_id is missing or not a CiString(3) of letters and digits'],
    [{ ...valid, country_code: undefined }, 'country_code is missing or not a CiString(2) of letters'],
    [{ ...valid, role: 7 }, 'role is missing or not a Role (CPO, EMSP, HUB, NAP, NSP, OTHER, SCSP)'],
    [{ ...valid, last_updated: '2026-13-01T00:00:00Z' }, 'last_updated is missing or not a DateTime: "2026-13-01T00:00:00Z"'],
    [[valid], 'a ClientInfo must be a JSON object'],
  ])('refuses a malformed ClientInfo naming the field (%#)', (raw, reason) => {
    expect(mapClientInfo221(raw)).toMatchObject({ ok: false, reason });
  });

  it('writes last_updated as a UTC DateTime with Z', () => {
    const info = { party_id: 'ABC', country_code: 'NL', role: 'CPO', status: 'OFFLINE' as const, last_updated: new Date('2026-11-01T09:00:00Z') };
    expect(serialiseClientInfo221(info)).toEqual({ party_id: 'ABC', country_code: 'NL', role: 'CPO', status: 'OFFLINE', last_updated: '2026-11-01T09:00:00Z' });
  });
});
