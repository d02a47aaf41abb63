import type { ShippingPolicyTable } from './orders.tables.js';

export interface ShippingQuote {
  /** null: this supplier does not deliver to the destination province. */
  feeFen: number | null;
}

/**
 * A supplier's shipping fee for one parcel: a base fee covers the first base weight, each
 * started kilogram above it adds the per-kg fee; a province may have its own fees; orders
 * at or over the free-shipping threshold ship free; some provinces are not delivered to
 * (fresh produce to remote provinces). No policy means free shipping everywhere.
 */
export function quoteShipping(policy: ShippingPolicyTable | undefined, provinceCode: string, weightG: number, itemsFen: number): ShippingQuote {
  if (!policy) return { feeFen: 0 };
  const excluded = JSON.parse(policy.excluded_provinces) as string[];
  if (excluded.includes(provinceCode)) return { feeFen: null };
  if (policy.free_over_fen !== null && itemsFen >= policy.free_over_fen) return { feeFen: 0 };
  const special = (JSON.parse(policy.province_fees) as Record<string, { baseFeeFen: number; extraFeePerKgFen: number }>)[provinceCode];
  const base = special?.baseFeeFen ?? policy.base_fee_fen;
  const perKg = special?.extraFeePerKgFen ?? policy.extra_fee_per_kg_fen;
  const extraKg = Math.max(0, Math.ceil((weightG - policy.base_weight_g) / 1000));
  return { feeFen: base + extraKg * perKg };
}
