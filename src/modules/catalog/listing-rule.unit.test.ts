import { describe, expect, it } from 'vitest';
import { describeMissing } from './listing-rule.js';

describe('describeMissing', () => {
  it('joins alternatives with "or" and requirements with ";" in both languages', () => {
    const text = describeMissing([['food_production', 'workshop_registration'], ['produce_certificate']]);
    expect(text.en).toBe('This category needs the supplier to hold a verified, unexpired food production licence (SC) or small food workshop registration; produce compliance certificate');
    expect(text.zh).toContain('食品生产许可证（SC） 或 食品小作坊登记证；食用农产品承诺达标合格证');
  });
});
