import { describe, expect, it, vi, afterEach } from 'vitest';
import { validate, version } from 'uuid';
import { newId, uuid7 } from './ids.js';

afterEach(() => vi.useRealTimers());

describe('ids', () => {
  it('are prefixed UUIDv7', () => {
    const id = newId('order');
    expect(id).toMatch(/^ord_/);
    const uuid = id.slice(4);
    expect(validate(uuid)).toBe(true);
    expect(version(uuid)).toBe(7);
  });

  it('sort by creation even within one millisecond, and never repeat', () => {
    // Later than any id made before in this file: the generator never goes back in time.
    vi.useFakeTimers({ now: new Date('2030-01-01T08:00:00.000Z'), toFake: ['Date'] });
    // More than one pool refill (4 KiB = 256 ids), all in the same millisecond.
    const ids = Array.from({ length: 2000 }, () => uuid7());
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    // The time is in the first 48 bits.
    expect(parseInt(ids[0]!.replaceAll('-', '').slice(0, 12), 16)).toBe(Date.parse('2030-01-01T08:00:00.000Z'));
    vi.setSystemTime(new Date('2030-01-01T08:00:00.001Z'));
    const next = uuid7();
    expect(next > ids.at(-1)!).toBe(true);
  });

  it('keep their order when the clock steps back', () => {
    vi.useFakeTimers({ now: new Date('2030-01-01T08:00:01.000Z'), toFake: ['Date'] });
    const before = uuid7();
    vi.setSystemTime(new Date('2030-01-01T07:59:00.000Z'));
    const after = uuid7();
    expect(after > before).toBe(true);
  });

  it('differ in their random bits from call to call', () => {
    const tails = new Set(Array.from({ length: 300 }, () => uuid7().slice(-12)));
    expect(tails.size).toBe(300);
  });
});
