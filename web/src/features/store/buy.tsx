/**
 * Pieces the buying pages share: the bottom sheet, the quantity stepper, the checkout draft
 * kept in sessionStorage (so a reload or a detour to add an address loses nothing), and the
 * sign-in detour with a way back.
 */
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import type { OrderStatus, CartItem } from '../../api/orders';
import { useI18n } from '../../i18n';

// ---- sheet -------------------------------------------------------------------------------

/** A half-height sheet from the bottom over a dimmed page; Escape or the backdrop closes it. */
export function Sheet({ title, onClose, children, footer, tall }: { title: string; onClose: () => void; children: ReactNode; footer?: ReactNode; tall?: boolean }) {
  const { t } = useI18n();
  const titleId = useId();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => { if (e.key === 'Escape') onClose(); };
    document.addEventListener('keydown', onKey);
    ref.current?.focus();
    const prev = document.body.style.overflow;
    document.body.style.overflow = 'hidden';
    return () => { document.removeEventListener('keydown', onKey); document.body.style.overflow = prev; };
  }, [onClose]);
  return (
    <div className="sheet-layer">
      <div className="sheet-backdrop" onClick={onClose} aria-hidden="true" />
      <div className={tall ? 'sheet tall' : 'sheet'} role="dialog" aria-modal="true" aria-labelledby={titleId} ref={ref} tabIndex={-1}>
        <div className="sheet-head">
          <h2 id={titleId}>{title}</h2>
          <button type="button" className="sheet-close" onClick={onClose} aria-label={t('buy.close')}>×</button>
        </div>
        <div className="sheet-body">{children}</div>
        {footer && <div className="sheet-foot">{footer}</div>}
      </div>
    </div>
  );
}

// ---- stepper -----------------------------------------------------------------------------

/** − [n] + within 1..max. Typing is allowed; the value settles on blur. */
export function Stepper({ value, max, onChange, label, disabled }: { value: number; max: number; onChange: (n: number) => void; label: string; disabled?: boolean }) {
  const { t } = useI18n();
  // What the buyer is typing, until it settles; otherwise the value itself.
  const [text, setText] = useState<string | null>(null);
  const top = Math.max(1, max);
  const commit = (raw: string) => {
    const n = Math.floor(Number(raw));
    const next = raw && Number.isFinite(n) ? Math.min(top, Math.max(1, n)) : value;
    setText(null);
    if (next !== value) onChange(next);
  };
  return (
    <div className="stepper" role="group" aria-label={label}>
      <button type="button" onClick={() => onChange(value - 1)} disabled={disabled || value <= 1} aria-label={t('buy.less')}>−</button>
      <input
        inputMode="numeric" aria-label={t('buy.quantity')} value={text ?? String(value)} disabled={disabled} data-testid="qty"
        onChange={(e) => setText(e.target.value.replace(/\D/g, '').slice(0, 3))} onBlur={(e) => commit(e.target.value)}
        onKeyDown={(e) => { if (e.key === 'Enter') commit(e.currentTarget.value); }}
      />
      <button type="button" onClick={() => onChange(value + 1)} disabled={disabled || value >= top} aria-label={t('buy.more')}>+</button>
    </div>
  );
}

/** The most a buyer may choose: stock, the per-buyer limit, and the API's 999. */
export function maxQuantity(stockAvailable: number, maxPerBuyer: number | null): number {
  return Math.max(0, Math.min(stockAvailable, maxPerBuyer ?? 999, 999));
}

// ---- checkout draft ------------------------------------------------------------------------

/** A line about to be checked out: a cart line without the availability flag. The price is the
 * server's current unit price, shown as is; totals come from the server after placing. */
export type DraftLine = Omit<CartItem, 'available'>;

export interface CheckoutDraft {
  lines: DraftLine[];
  fromCart: boolean;
  addressId?: string | undefined;
  note?: string | undefined;
  /** The Idempotency-Key of the last submit and the body it was sent with. */
  attempt?: { key: string; body: string } | undefined;
}

const DRAFT_KEY = 'fengshou.checkoutDraft';

export function saveDraft(draft: CheckoutDraft): void {
  try { sessionStorage.setItem(DRAFT_KEY, JSON.stringify(draft)); } catch { /* private mode: the page keeps it in memory */ }
}

export function loadDraft(): CheckoutDraft | null {
  try {
    const raw = sessionStorage.getItem(DRAFT_KEY);
    const d = raw ? (JSON.parse(raw) as CheckoutDraft) : null;
    return d && Array.isArray(d.lines) && d.lines.length ? d : null;
  } catch {
    return null;
  }
}

export function clearDraft(): void {
  try { sessionStorage.removeItem(DRAFT_KEY); } catch { /* nothing kept */ }
}

/** The Idempotency-Key for paying one checkout: the same across retries and reloads. */
export function payKeyFor(checkoutId: string, fresh: () => string): string {
  const k = `fengshou.payKey.${checkoutId}`;
  try {
    const old = sessionStorage.getItem(k);
    if (old) return old;
    const key = fresh();
    sessionStorage.setItem(k, key);
    return key;
  } catch {
    return fresh();
  }
}

// ---- sign-in detour --------------------------------------------------------------------------

/** /me?return=/p/123: sign in, then come back. */
export function signInPath(returnTo: string): string {
  return `/me?return=${encodeURIComponent(returnTo)}`;
}

/** A return path we are willing to follow: on this site, not protocol-relative. */
export function safeReturn(path: string | null): string | null {
  return path && path.startsWith('/') && !path.startsWith('//') && !path.startsWith('/\\') ? path : null;
}

// ---- words ---------------------------------------------------------------------------------

export function statusKey(status: OrderStatus) {
  return `order.status.${status}` as const;
}

/** "14:59" for a countdown of seconds. */
export function mmss(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${r}` : `${String(m).padStart(2, '0')}:${r}`;
}

/** Seconds left until an instant, ticking once a second. */
export function useSecondsLeft(iso: string | null | undefined): number {
  const calc = () => (iso ? Math.max(0, Math.round((new Date(iso).getTime() - Date.now()) / 1000)) : 0);
  const [left, setLeft] = useState(calc);
  useEffect(() => {
    setLeft(calc());
    if (!iso) return;
    const timer = setInterval(() => setLeft(calc()), 1000);
    return () => clearInterval(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [iso]);
  return left;
}
