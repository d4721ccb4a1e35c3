import { costByDimension } from './cost-by-dimension';

const amount = (before: string, after: string | null) => ({ before_taxes: before, after_taxes: after, taxes: null });
const zero = { before_taxes: '0', taxes: [], after_taxes: '0' };
const engine = (over: Record<string, { before_taxes: string | null; after_taxes: string | null }>, extra = {}) => ({
  costs: { FLAT: zero, ENERGY: zero, TIME: zero, PARKING_TIME: zero, RESERVATION: zero, ...Object.fromEntries(Object.entries(over).map(([k, v]) => [k, { ...v, taxes: null }])) },
  ...extra,
});

describe("costByDimension: the CPO's total_*_cost (mod_cdrs 2.2.1 §CDR object) against the engine's costs per dimension", () => {
  it("sums the dimension over several tariffs before rounding once, half-up, to the currency's minor unit", () => {
    const r = costByDimension({ currency: 'EUR', credit: false, total_cost: amount('2.01', null), total_energy_cost: amount('2.01', null) }, [
      engine({ ENERGY: { before_taxes: '1.0049', after_taxes: null } }),
      engine({ ENERGY: { before_taxes: '1.0001', after_taxes: null } }),
    ]);
    expect(r.dimensions.find((d) => d.dimension === 'ENERGY')).toMatchObject({
      computed: { before_taxes: '2.01', after_taxes: null },
      difference: { before_taxes: '0.00', after_taxes: null },
    });
    expect(r.differing_dimensions).toEqual([]);
  });

  it('§Credit CDRs: only total_cost is negative, so the (positive) parts are compared with the total negated', () => {
    const r = costByDimension({ currency: 'EUR', credit: true, total_cost: amount('-4.00', '-4.40'), total_time_cost: amount('4.00', '4.40') }, [
      engine({ TIME: { before_taxes: '4', after_taxes: '4.4' } }),
    ]);
    expect(r.stated_parts_sum).toEqual({ before_taxes: '4.00', after_taxes: '4.40', adds_up: true });
    expect(r.differing_dimensions).toEqual([]);
  });

  it('parts a cent off the total: said, with the rounding of several parts named, and the dimensions it did not state', () => {
    const r = costByDimension(
      { currency: 'EUR', credit: false, total_cost: amount('2.01', null), total_energy_cost: amount('1.00', null), total_time_cost: amount('1.00', null) },
      null,
    );
    expect(r.stated_parts_sum).toEqual({ before_taxes: '2.00', after_taxes: null, adds_up: false });
    expect(r.differing_dimensions).toBeNull();
    expect(r.notes).toEqual([
      "the CPO's dimension costs add up to 2.00, its total_cost says 2.01 (before taxes); within the rounding of its 2 parts",
      'not stated, so not in the sum: total_fixed_cost, total_parking_cost, total_reservation_cost',
    ]);
  });

  it('says what we computed for a dimension the CPO leaves out, and when min_price / max_price changed our total', () => {
    const r = costByDimension({ currency: 'EUR', credit: false, total_cost: amount('4.00', null), total_time_cost: amount('4.00', null) }, [
      engine({ TIME: { before_taxes: '4', after_taxes: null }, FLAT: { before_taxes: '0.5', after_taxes: null } }, { min_price_applied: true }),
    ]);
    expect(r.differing_dimensions).toEqual([]);
    expect(r.notes).toEqual([
      'the CPO does not state total_fixed_cost; we computed 0.50 for FLAT (before taxes)',
      "the tariff's min_price / max_price changed our total: our dimension costs are before it, so they need not add up to our total",
    ]);
  });

  it('sub-cent parts (issue 17): one part identical to a total of 8.1675 after taxes adds up, said without rounding', () => {
    const r = costByDimension({ currency: 'EUR', credit: false, total_cost: amount('6.75', '8.1675'), total_energy_cost: amount('6.75', '8.1675') }, null);
    expect(r.stated_parts_sum).toEqual({ before_taxes: '6.75', after_taxes: '8.1675', adds_up: true });
    expect(r.notes).toEqual([]);
  });

  it('sub-cent parts (issue 17): 0.50 + 3.8355 = 4.3355 adds up to a total of 4.3355, and to a total of 4.34 (the sum rounded once)', () => {
    const parts = { total_fixed_cost: amount('0.50', null), total_energy_cost: amount('3.8355', null) };
    expect(costByDimension({ currency: 'EUR', credit: false, total_cost: amount('4.3355', null), ...parts }, null).stated_parts_sum).toEqual({
      before_taxes: '4.3355',
      after_taxes: null,
      adds_up: true,
    });
    expect(costByDimension({ currency: 'EUR', credit: false, total_cost: amount('4.34', null), ...parts }, null).stated_parts_sum?.adds_up).toBe(true);
    const off = costByDimension({ currency: 'EUR', credit: false, total_cost: amount('4.3356', null), ...parts }, null);
    expect(off.stated_parts_sum?.adds_up).toBe(false);
    expect(off.notes[0]).toBe("the CPO's dimension costs add up to 4.3355, its total_cost says 4.3356 (before taxes); within the rounding of its 2 parts");
  });
});
