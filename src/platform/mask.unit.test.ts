import { describe, expect, it } from 'vitest';
import { maskAccount, maskName, maskPhone, maskPhonesIn, redactUrl } from './mask.js';
import { formatFen, applyBasisPoints } from './money.js';
import { bizDate, isValidDate } from './time.js';

describe('masking', () => {
  it('masks phones, accounts and names the way users expect', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskAccount('6222020200112233445')).toBe('************3445');
    expect(maskName('张三丰')).toBe('张**');
  });

  it('masks every phone inside a URL but leaves other numbers alone', () => {
    expect(maskPhonesIn('/api/v1/users?phone=13812345678&x=19912345678')).toBe('/api/v1/users?phone=138****5678&x=199****5678');
    expect(maskPhonesIn('/api/v1/regions/220622100200')).toBe('/api/v1/regions/220622100200');
  });
});

describe('money and time', () => {
  it('formats fen and rounds basis points to whole fen', () => {
    expect(formatFen(1280)).toBe('¥12.80');
    expect(formatFen(-5)).toBe('-¥0.05');
    expect(applyBasisPoints(999, 1500)).toBe(150);
    expect(() => formatFen(12.5)).toThrow(RangeError);
  });

  it('takes the business date in Asia/Shanghai', () => {
    expect(bizDate(new Date('2026-11-26T16:30:00Z'))).toBe('2026-11-27');
    expect(bizDate(new Date('2026-11-26T15:59:59Z'))).toBe('2026-11-26');
    expect(isValidDate('2026-02-29')).toBe(false);
    expect(isValidDate('2028-02-29')).toBe(true);
  });
});

describe('redactUrl', () => {
  it('masks phones and replaces secret query values, leaving the rest', () => {
    expect(redactUrl('/api/v1/live/media/hook?token=s3cr3t-very-long&app=live')).toBe('/api/v1/live/media/hook?token=[redacted]&app=live');
    expect(redactUrl('/x?a=1&SIGN=abc#frag')).toBe('/x?a=1&SIGN=[redacted]#frag');
    expect(redactUrl('/api/v1/users?phone=13812345678&q=monkey')).toBe('/api/v1/users?phone=138****5678&q=monkey');
    expect(redactUrl('/api/v1/keys?tokenize=1')).toBe('/api/v1/keys?tokenize=1');
  });
});
