import { describe, expect, it } from 'vitest';
import { isValidGtin } from './gtin.js';

describe('isValidGtin', () => {
  it('accepts real GTIN-8, -12, -13 and -14 codes', () => {
    for (const code of [
      '6901234567892', // GTIN-13, a Chinese (690) prefix
      '4006381333931', // GTIN-13, the usual EAN example
      '9787111213826', // GTIN-13, an ISBN-13 (978)
      '96385074', // GTIN-8
      '036000291452', // GTIN-12 (UPC-A)
      '10614141000415', // GTIN-14 from the GS1 guide
      '00000000000000', // all zeros has check digit 0
    ]) expect(isValidGtin(code), code).toBe(true);
  });

  it('rejects a wrong check digit', () => {
    for (const code of ['6901234567893', '4006381333932', '6901234567890', '96385075', '036000291453', '10614141000416', '12345678']) {
      expect(isValidGtin(code), code).toBe(false);
    }
  });

  it('rejects lengths GS1 does not define and anything but digits', () => {
    for (const code of ['', '1234567', '690123456789', '69012345678921', '123456789', '1234567890', '12345678901', '690123456789200', '69012345678９2', '690123456789 2', ' 6901234567892', '690123456789a', '-901234567892']) {
      expect(isValidGtin(code), JSON.stringify(code)).toBe(false);
    }
  });

  it('catches every single-digit typo of a valid code', () => {
    const good = '6901234567892';
    for (let i = 0; i < good.length; i++) {
      for (let d = 0; d <= 9; d++) {
        if (String(d) === good[i]) continue;
        const typo = good.slice(0, i) + d + good.slice(i + 1);
        expect(isValidGtin(typo), typo).toBe(false);
      }
    }
  });
});
