/**
 * A connector's maximum power in kW (mod_locations 2.2.1 §8.3.3 Connector): `max_electric_power` (W) when the
 * CPO declares it; otherwise voltage × amperage, × 3 for AC_3_PHASE because max_voltage is line to neutral.
 */
export function maxPowerKw(c: { power_type: string; max_voltage: number; max_amperage: number; max_electric_power: number | null }): {
  kw: number;
  source: 'declared' | 'computed';
} {
  if (c.max_electric_power !== null && c.max_electric_power > 0) return { kw: c.max_electric_power / 1000, source: 'declared' };
  const phases = c.power_type === 'AC_3_PHASE' ? 3 : 1;
  return { kw: Math.round((phases * c.max_voltage * c.max_amperage) / 100) / 10, source: 'computed' };
}
