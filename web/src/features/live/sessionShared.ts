/** Small helpers shared by the live-session pages (store, host and console). */
import type { Approval, ExternalPlatform, SessionKind, SessionStatus } from '../../api/liveSessions';
import type { Lang, MessageKey, Translate } from '../../i18n';

const TZ = 'Asia/Shanghai';

function parts(iso: string) {
  const p = new Intl.DateTimeFormat('en-US', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', weekday: 'short' })
    .formatToParts(new Date(iso));
  const get = (type: string) => p.find((x) => x.type === type)?.value ?? '';
  return { y: get('year'), m: get('month'), d: get('day'), hh: get('hour'), mm: get('minute'), wd: get('weekday') };
}

/** "11月27日 20:00" / "Nov 27, 20:00" in Asia/Shanghai. */
export function formatSlot(iso: string, lang: Lang): string {
  const p = parts(iso);
  if (lang === 'zh-CN') return `${Number(p.m)}月${Number(p.d)}日 ${p.hh}:${p.mm}`;
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return `${months[Number(p.m) - 1]} ${Number(p.d)}, ${p.hh}:${p.mm}`;
}

/** "20:00–22:00" (same day) or the full end. */
export function formatWindow(start: string, end: string, lang: Lang): string {
  const a = parts(start);
  const b = parts(end);
  const sameDay = a.y === b.y && a.m === b.m && a.d === b.d;
  return `${formatSlot(start, lang)}–${sameDay ? `${b.hh}:${b.mm}` : formatSlot(end, lang)}`;
}

/** The Shanghai calendar date of an instant, YYYY-MM-DD. */
export function shanghaiDate(iso: string): string {
  const p = parts(iso);
  return `${p.y}-${p.m}-${p.d}`;
}

/** ISO instant → the value of a datetime-local input, in Asia/Shanghai ("2026-11-27T20:00"). */
export function toLocalInput(iso: string): string {
  const p = parts(iso);
  return `${p.y}-${p.m}-${p.d}T${p.hh}:${p.mm}`;
}

/** A datetime-local value, read as Asia/Shanghai time, → ISO with offset; null when empty or invalid. */
export function fromLocalInput(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return null;
  const d = new Date(`${value}:00+08:00`);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export const statusKey = (s: SessionStatus) => `live.status.${s}` as MessageKey;
export const approvalKey = (a: Approval) => `live.approval.${a}` as MessageKey;
export const kindKey = (k: SessionKind) => `live.kind.${k}` as MessageKey;
export const platformKey = (p: ExternalPlatform) => `live.platform.${p}` as MessageKey;

/** "¥12.80" from fen, for plain text (inputs, tables). */
export function yuan(fen: number): string {
  return `¥${(fen / 100).toFixed(2)}`;
}

/** Yuan typed by a person ("12.8") → fen, or null when it is not money. */
export function parseYuan(text: string): number | null {
  const m = /^\s*(\d{1,9})(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/** Copies text; answers whether it worked (older browsers and http pages may refuse). */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    try {
      const ta = document.createElement('textarea');
      ta.value = text;
      ta.setAttribute('readonly', '');
      ta.style.position = 'fixed';
      ta.style.opacity = '0';
      document.body.appendChild(ta);
      ta.select();
      const ok = document.execCommand('copy');
      ta.remove();
      return ok;
    } catch {
      return false;
    }
  }
}

/** The status line of a session: "直播中", "已结束", or "预告 · 待审核". */
export function sessionBadge(s: { status: SessionStatus; approval: Approval; kind: SessionKind }, t: Translate): string {
  if (s.status !== 'scheduled' || s.kind === 'practice') return t(statusKey(s.status));
  return `${t(statusKey(s.status))} · ${t(approvalKey(s.approval))}`;
}
