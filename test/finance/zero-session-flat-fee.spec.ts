/**
 * The per-CDR check (issue 17): a CDR of zero duration and zero energy under a tariff with a FLAT fee. mod_tariffs
 * 2.2.1 §PriceComponent class (FLAT: "a fixed price per session") and mod_cdrs 2.2.1 §CDR object leave open whether the
 * fee is owed when nothing was charged, so the check says so on the CDR instead of answering 0.00, exact.
 */
import { recomputeCdrCost } from '../../src/finance/recompute-cdr-cost';
import { pc, tariffOf } from '../tariffs/support/spec-examples';

const at = '2024-06-05T10:00:00Z';
function cdr(volumes: { energy: string; time: string }, stated: string) {
  return {
    country_code: 'NL',
    party_id: 'CPO',
    id: 'ZERO-1',
    currency: 'EUR',
    start_date_time: at,
    end_date_time: at,
    charging_periods: [
      {
        start_date_time: at,
        dimensions: [
          { type: 'ENERGY', volume: volumes.energy },
          { type: 'TIME', volume: volumes.time },
        ],
        tariff_id: null,
      },
    ],
    total_cost: { before_taxes: stated, after_taxes: null },
  };
}

describe('mod_cdrs 2.2.1 §CDR object: zero duration, zero energy, FLAT fee', () => {
  const withFlat = tariffOf([{ price_components: [pc('FLAT', '0.50'), pc('ENERGY', '0.30')] }]);

  it('priced 0.00 is not exact: the note says the spec leaves the fee open, what we priced and what the CPO billed', () => {
    const r = recomputeCdrCost(cdr({ energy: '0', time: '0' }, '0.00'), [withFlat], 'Europe/Amsterdam');
    expect(r.computed.before_taxes).toBe('0.00');
    expect(r.exact).toBe(false);
    expect(r.not_exact_because).toEqual([
      `a session of zero duration and zero energy under a tariff with a FLAT fee (${withFlat.id}): the spec leaves open whether the fee is owed; we priced 0.00, the CPO billed 0.00 (before taxes)`,
    ]);
  });

  it('the same CDR billed with the fee is flagged alike (the difference is shown, not judged)', () => {
    const r = recomputeCdrCost(cdr({ energy: '0', time: '0' }, '0.50'), [withFlat], 'Europe/Amsterdam');
    expect(r.exact).toBe(false);
    expect(r.difference.before_taxes).toBe('-0.50');
  });

  it('a session with energy, or a tariff without a FLAT fee, is not concerned', () => {
    expect(recomputeCdrCost(cdr({ energy: '1', time: '0.5' }, '0.80'), [withFlat], 'Europe/Amsterdam')).toMatchObject({ exact: true, not_exact_because: [] });
    const energyOnly = tariffOf([{ price_components: [pc('ENERGY', '0.30')] }]);
    expect(recomputeCdrCost(cdr({ energy: '0', time: '0' }, '0.00'), [energyOnly], 'Europe/Amsterdam')).toMatchObject({ exact: true, not_exact_because: [] });
  });
});
