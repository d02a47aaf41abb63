import { describe, expect, it } from 'vitest';
import { normalBalance } from './ledger.chart.js';

describe('normalBalance', () => {
  it('reads a credit account by its credits, and an empty one as 0, never -0', () => {
    expect(normalBalance('supplier_payable', -1280)).toBe(1280);
    expect(normalBalance('payment_clearing', 1280)).toBe(1280);
    expect(Object.is(normalBalance('supplier_payable', 0), 0)).toBe(true);
    expect(Object.is(normalBalance('payment_clearing', 0), 0)).toBe(true);
  });
});
