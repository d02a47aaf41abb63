/** Formatting people see: money from integer fen, dates in Asia/Shanghai, counts, masked phones. */
import type { Lang } from '../i18n';

const TZ = 'Asia/Shanghai';

export function assertFen(fen: number): void {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`not an integer amount of fen: ${fen}`);
}

/** 1280 -> { sign: '', yuan: '12', fen: '80' } */
export function splitFen(fen: number): { sign: string; yuan: string; fen: string } {
  assertFen(fen);
  const abs = Math.abs(fen);
  return { sign: fen < 0 ? '-' : '', yuan: String(Math.floor(abs / 100)), fen: String(abs % 100).padStart(2, '0') };
}

/** 1280 -> "¥12.80" */
export function formatFen(fen: number): string {
  const p = splitFen(fen);
  return `${p.sign}¥${p.yuan}.${p.fen}`;
}

/** 12.8 (yuan, as typed) -> 1280 fen, rounding to whole fen. */
export function yuanToFen(yuan: number): number {
  return Math.round(yuan * 100);
}

export function fenToYuan(fen: number): number {
  return fen / 100;
}

/** 1500 basis points -> "15%" */
export function formatBp(bp: number): string {
  const pct = bp / 100;
  return `${Number.isInteger(pct) ? pct : pct.toFixed(2).replace(/0+$/, '')}%`;
}

function partsIn(date: Date) {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(date);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { y: get('year'), m: get('month'), d: get('day'), hh: get('hour'), mm: get('minute') };
}

/** Today's calendar date in Asia/Shanghai, YYYY-MM-DD. */
export function todayShanghai(now: Date = new Date()): string {
  const p = partsIn(now);
  return `${p.y}-${p.m}-${p.d}`;
}

export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A calendar date (YYYY-MM-DD): "11月27日" (this year) or "2027年1月5日"; "Nov 27" / "Jan 5, 2027". */
export function formatDay(date: string | null | undefined, lang: Lang, today: string = todayShanghai()): string {
  if (!date) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  if (!m) return date;
  const [, y, mo, d] = m;
  const sameYear = y === today.slice(0, 4);
  if (lang === 'zh-CN') return `${sameYear ? '' : `${y}年`}${Number(mo)}月${Number(d)}日`;
  const text = `${EN_MONTHS[Number(mo) - 1]} ${Number(d)}`;
  return sameYear ? text : `${text}, ${y}`;
}

/** An instant shown in Asia/Shanghai: "2026-11-27 09:05". */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const p = partsIn(date);
  return `${p.y}-${p.m}-${p.d} ${p.hh}:${p.mm}`;
}

/** "1.2万" / "12K" for sold counts. */
export function formatCount(n: number, lang: Lang): string {
  if (n < 10000) return String(n);
  return new Intl.NumberFormat(lang === 'zh-CN' ? 'zh-CN' : 'en', { notation: 'compact', maximumFractionDigits: 1 }).format(n);
}

export function maskPhone(phone: string): string {
  if (phone.length < 7) return '*'.repeat(phone.length);
  return `${phone.slice(0, 3)}****${phone.slice(-4)}`;
}

/** Grams as "700 g" or "2.5 kg". */
export function formatWeight(g: number): string {
  return g >= 1000 ? `${Number((g / 1000).toFixed(2))} kg` : `${g} g`;
}

export const PHONE_RE = /^1[3-9]\d{9}$/;
