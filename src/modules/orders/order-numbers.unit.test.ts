import { afterEach, describe, expect, it, vi } from 'vitest';
import { numberWithDate } from './checkout.service.js';

afterEach(() => { vi.useRealTimers(); });

describe('order and payment numbers', () => {
  it('are the Shanghai date, the milliseconds since its midnight and six digits', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-27T17:30:00.123Z')); // 01:30:00.123 on the 28th in Shanghai
    const n = numberWithDate('P');
    expect(n).toMatch(/^P20261128(\d{8})(\d{6})$/);
    expect(n.slice(9, 17)).toBe(String(((1 * 60 + 30) * 60) * 1000 + 123).padStart(8, '0'));
  });

  it('never repeat within one process, even thousands in the same millisecond', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-28T02:00:00.000Z'));
    const many = Array.from({ length: 20_000 }, () => numberWithDate(''));
    expect(new Set(many).size).toBe(many.length);
  });

  it('sort in the order they were made across milliseconds, so each lands at the end of its index', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const made: string[] = [];
    for (let i = 0; i < 50; i++) {
      vi.setSystemTime(new Date(Date.UTC(2026, 10, 28, 3, 0, 0, i * 7)));
      made.push(numberWithDate(''));
    }
    expect([...made].sort()).toEqual(made);
  });

  it('a clock stepped back keeps counting on instead of repeating or going backwards', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-28T05:00:00.000Z'));
    const first = numberWithDate('');
    vi.setSystemTime(new Date('2026-11-28T04:00:00.000Z')); // NTP stepped the clock back an hour
    const second = numberWithDate('');
    expect(second > first).toBe(true);
    expect(second.slice(0, 16)).toBe(first.slice(0, 16)); // still the millisecond it had reached
  });
});
