/**
 * Comment-to-buy: reads a viewer's comment as an order for a run-of-show item, or as chat.
 * Pure and total (never throws). The grammar, documented for hosts and viewers in
 * docs/live-room.md:
 *
 *   order    := ws* ( code-form | hash-form | sold-form ) ws* end-punct*
 *   code-form:= number ws* "号" ws* ( qty-part )?          3号 2份 · 3号2件 · 三号两份 · 3号 x2 · 3号
 *   hash-form:= "#" ws* number ( ws* qty-part )?           #3 x2 · #3 2份 · #3*2 · #3
 *   sold-form:= ("SOLD" | "sold" | any case) ws+ number ( ws* qty-part )?   SOLD 3 x2 · sold 3 2
 *   qty-part := ( "x" | "×" | "*" | "X" )? ws* number ws* unit?
 *   number   := ASCII digits (1–999) | Chinese numerals 一…九百九十九 (两 = 二)
 *   unit     := one of 份 件 个 盒 箱 袋 斤 瓶 包 单 组 套 罐 提 只 条 把 桶 块 串 枚 张 kg
 *   end-punct:= ! ！ ~ ～ 。 . ，,
 *
 * The whole comment must be the order: "3号好吃" or "我要3号 2份吗" is chat, not an order (a
 * viewer talking about an item must never buy it by accident). Full-width forms (３号 ２份,
 * ＃３ ｘ２, ＳＯＬＤ) are read like ASCII (NFKC). No quantity means one. Codes and quantities
 * are 1–999; anything else (0, 1000, "3号 0份") is not an order.
 */
export interface BuyIntent {
  roomCode: number;
  quantity: number;
}

export const MAX_CODE = 999;
export const MAX_QUANTITY = 999;

const UNITS = ['kg', '份', '件', '个', '盒', '箱', '袋', '斤', '瓶', '包', '单', '组', '套', '罐', '提', '只', '条', '把', '桶', '块', '串', '枚', '张'];
const CN_DIGITS: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

const NUM = '(\\d{1,4}|[零〇一二两三四五六七八九十百]{1,6})';
const UNIT = `(?:${UNITS.join('|')})`;
const QTY = `(?:[x×*]\\s*)?${NUM}\\s*${UNIT}?`;
const END = '[!！~～。.，,]*';

const FORMS: RegExp[] = [
  new RegExp(`^${NUM}\\s*号\\s*(?:${QTY})?${END}$`, 'i'),
  new RegExp(`^#\\s*${NUM}(?:\\s*${QTY})?${END}$`, 'i'),
  new RegExp(`^sold\\s+${NUM}(?:\\s*${QTY})?${END}$`, 'i'),
];

/** 1–999 from Chinese numerals: 三, 十二, 二十, 两百零五, 九百九十九. NaN when malformed. */
export function parseChineseNumber(s: string): number {
  if (!s) return NaN;
  let rest = s;
  let total = 0;
  const hundreds = /^([一二两三四五六七八九])百/.exec(rest);
  if (hundreds) {
    total += CN_DIGITS[hundreds[1]!]! * 100;
    rest = rest.slice(hundreds[0].length);
    if (rest.startsWith('零') || rest.startsWith('〇')) {
      rest = rest.slice(1);
      // 一百零五: a single digit must follow the 零.
      if (!/^[一二两三四五六七八九]$/.test(rest)) return NaN;
      return total + CN_DIGITS[rest]!;
    }
  }
  const tens = /^([一二两三四五六七八九])?十/.exec(rest);
  if (tens) {
    // 十二 alone means 12, but after 百 the tens digit must be written (一百一十二).
    if (!tens[1] && hundreds) return NaN;
    total += (tens[1] ? CN_DIGITS[tens[1]]! : 1) * 10;
    rest = rest.slice(tens[0].length);
  } else if (hundreds && rest.length > 0) {
    return NaN; // 一百二 (colloquial 120) is ambiguous: not accepted
  }
  if (rest.length > 1) return NaN;
  if (rest.length === 1) {
    const d = CN_DIGITS[rest];
    if (d === undefined || d === 0) return NaN;
    total += d;
  }
  return total > 0 ? total : NaN;
}

function toNumber(s: string | undefined): number {
  if (s === undefined) return NaN;
  if (/^\d+$/.test(s)) return Number(s);
  return parseChineseNumber(s);
}

/** The order in a comment, or null when it is chat. */
export function parseBuyComment(comment: string): BuyIntent | null {
  if (typeof comment !== 'string' || comment.length > 60) return null;
  // NFKC turns full-width digits, letters, ＃ and the ideographic space into ASCII.
  const text = comment.normalize('NFKC').replace(/\s+/g, ' ').trim();
  for (const form of FORMS) {
    const m = form.exec(text);
    if (!m) continue;
    const roomCode = toNumber(m[1]);
    const quantity = m[2] === undefined ? 1 : toNumber(m[2]);
    if (!Number.isInteger(roomCode) || roomCode < 1 || roomCode > MAX_CODE) return null;
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_QUANTITY) return null;
    return { roomCode, quantity };
  }
  return null;
}
