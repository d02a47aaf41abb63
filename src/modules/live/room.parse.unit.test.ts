import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBuyComment, parseChineseNumber } from './room.parse.js';

const DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** 1–999 in Chinese numerals the way people write them (十二, 二十, 一百零五, 两百三十). */
function chinese(n: number, two = false): string {
  const d = (x: number) => (x === 2 && two ? '两' : DIGITS[x]!);
  const h = Math.floor(n / 100);
  const t = Math.floor((n % 100) / 10);
  const o = n % 10;
  let s = '';
  if (h) s += `${d(h)}百`;
  if (t) s += `${h === 0 && t === 1 ? '' : d(t)}十`;
  else if (h && o) s += '零';
  if (o) s += d(o);
  return s;
}

/** ASCII → full-width (what a Chinese IME types in full-width mode). */
function fullWidth(s: string): string {
  return [...s].map((c) => (c >= '!' && c <= '~' ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c === ' ' ? '\u3000' : c)).join('');
}

const code = fc.integer({ min: 1, max: 999 });
const qty = fc.integer({ min: 1, max: 999 });
const space = fc.constantFrom('', ' ', '  ', '\u3000');
const unit = fc.constantFrom('', '份', '件', '盒', '斤', '个', 'kg');
const times = fc.constantFrom('', 'x', 'X', '×', '*');
const numberText = (n: number) => fc.constantFrom(String(n), chinese(n), chinese(n, true));

/** Every way the docs say an order can be written, with its expected reading. */
const order = fc.tuple(code, qty, fc.constantFrom('code', 'hash', 'sold'), space, space, times, unit, fc.boolean(), fc.boolean(), fc.constantFrom('', '!', '！', '~')).chain(
  ([c, q, form, s1, s2, x, u, withQty, full, end]) => fc.tuple(numberText(c), numberText(q)).map(([ct, qt]) => {
    const qtyPart = withQty ? `${x}${s2}${qt}${u}` : '';
    let text: string;
    if (form === 'code') text = `${ct}${s1}号${s2}${qtyPart}`;
    else if (form === 'hash') text = `#${s1}${ct}${withQty ? ` ${qtyPart}` : ''}`;
    else text = `SOLD ${ct}${withQty ? `${s2 || ' '}${qtyPart}` : ''}`;
    text += end;
    return { text: full ? fullWidth(text) : text, roomCode: c, quantity: withQty ? q : 1 };
  }),
);

describe('comment-to-buy grammar', () => {
  it('reads the examples from the docs', () => {
    expect(parseBuyComment('3号 2份')).toEqual({ roomCode: 3, quantity: 2 });
    expect(parseBuyComment('3号2件')).toEqual({ roomCode: 3, quantity: 2 });
    expect(parseBuyComment('#3 x2')).toEqual({ roomCode: 3, quantity: 2 });
    expect(parseBuyComment('SOLD 3 x2')).toEqual({ roomCode: 3, quantity: 2 });
    expect(parseBuyComment('sold 12 3')).toEqual({ roomCode: 12, quantity: 3 });
    expect(parseBuyComment('３号 ２份')).toEqual({ roomCode: 3, quantity: 2 });
    expect(parseBuyComment('三号 两份')).toEqual({ roomCode: 3, quantity: 2 });
    expect(parseBuyComment('12号 二十份！')).toEqual({ roomCode: 12, quantity: 20 });
    expect(parseBuyComment('3号')).toEqual({ roomCode: 3, quantity: 1 });
    expect(parseBuyComment('#7*3')).toEqual({ roomCode: 7, quantity: 3 });
    expect(parseBuyComment('一百零五号 一份')).toEqual({ roomCode: 105, quantity: 1 });
  });

  it('treats chat as chat', () => {
    for (const s of ['3号好吃', '我要3号 2份吗', '主播好', '2', '3', '号', '#', 'SOLD', 'sold out', '3号 0份', '0号 1份', '1000号 1份', '3号 1000份', '#3 x', '3号 一百二份', '', '   ', '3号 2份 3号 1份']) {
      expect(parseBuyComment(s), s).toBeNull();
    }
  });

  it('reads every documented form, in ASCII or full width, with Chinese or Arabic numbers', () => {
    fc.assert(fc.property(order, (o) => {
      expect(parseBuyComment(o.text)).toEqual({ roomCode: o.roomCode, quantity: o.quantity });
    }), { numRuns: 2000 });
  });

  it('never throws, and anything it reads is within 1–999', () => {
    fc.assert(fc.property(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }),
      // near-misses: strings made of the grammar's own pieces
      fc.string({ unit: fc.constantFrom('3', '0', '9', '号', '#', ' ', 'x', '×', '两', '十', '百', '零', '份', 'SOLD', '!', '０', '号号'), maxLength: 12 })), (s) => {
      const r = parseBuyComment(s);
      if (r) {
        expect(r.roomCode).toBeGreaterThanOrEqual(1);
        expect(r.roomCode).toBeLessThanOrEqual(999);
        expect(r.quantity).toBeGreaterThanOrEqual(1);
        expect(r.quantity).toBeLessThanOrEqual(999);
      }
    }), { numRuns: 3000 });
  });

  it('an order inside other words is chat: words before or after it make it not an order', () => {
    const word = fc.constantFrom('好吃', '想要', '主播', 'hello', '吗', '真的');
    fc.assert(fc.property(order, word, fc.boolean(), (o, w, before) => {
      const text = before ? `${w}${o.text}` : `${o.text}${w}`;
      expect(parseBuyComment(text)).toBeNull();
    }), { numRuns: 1000 });
  });

  it('Chinese numerals 1–999 read back to their value; malformed ones are refused', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 999 }), fc.boolean(), (n, two) => {
      expect(parseChineseNumber(chinese(n, two))).toBe(n);
    }), { numRuns: 999 });
    for (const bad of ['', '零', '一二', '十十', '百', '一百二', '一百十', '二十零']) expect(parseChineseNumber(bad), bad).toBeNaN();
  });
});
