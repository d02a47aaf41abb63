import { useEffect, useMemo, useState } from 'react';
import { Link, Navigate, useNavigate } from 'react-router-dom';
import { isProblem } from '../../api/client';
import { addressesApi, checkoutsApi, newIdempotencyKey, type Address, type CheckoutInput, type Quote } from '../../api/orders';
import { useI18n } from '../../i18n';
import { problemText } from '../../shared/problems';
import { useSession } from '../../shared/session';
import { useAsync } from '../../shared/useAsync';
import { AddressSheet, AddressText } from './Addresses';
import { Stepper, clearDraft, loadDraft, maxQuantity, saveDraft, signInPath, type CheckoutDraft, type DraftLine } from './buy';
import { groupBySupplier } from './CartPage';
import { PageHeader } from './PageHeader';
import { Price } from './Price';
import { ProductImage } from './ProductCard';
import { EmptyState, ErrorState } from './States';

interface Problems {
  lines: Record<string, { text: string; setTo?: number; remove?: boolean }>;
  address: { text: string; supplierId?: string } | null;
  general: string | null;
}
const NONE: Problems = { lines: {}, address: null, general: null };

function CheckoutForm({ initial, addresses, reloadAddresses }: { initial: CheckoutDraft; addresses: Address[]; reloadAddresses: () => void }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [draft, setDraftState] = useState<CheckoutDraft>(initial);
  const [sheet, setSheet] = useState<null | 'pick' | 'add'>(null);
  const [extra, setExtra] = useState<Address[]>([]);
  const [problems, setProblems] = useState<Problems>(NONE);
  const [busy, setBusy] = useState(false);
  const all = useMemo(() => [...addresses, ...extra.filter((e) => !addresses.some((a) => a.id === e.id))], [addresses, extra]);
  const address = all.find((a) => a.id === draft.addressId) ?? all.find((a) => a.isDefault) ?? all[0];
  // Server-side limits learnt from a refusal (sold_out says how many are left).
  const [caps, setCaps] = useState<Record<string, number>>({});
  // Shipping and the total for these lines to this address, asked again when either changes;
  // a refusal (sold out, not delivered there) shows before "submit".
  const [quote, setQuote] = useState<Quote | null>(null);
  const quoteKey = address ? JSON.stringify([address.id, draft.lines.map((l) => [l.skuId, l.quantity])]) : null;
  useEffect(() => {
    setQuote(null);
    if (!quoteKey || !address || !draft.lines.length) return;
    const abort = new AbortController();
    const timer = setTimeout(() => {
      checkoutsApi.quote({ items: draft.lines.map((l) => ({ skuId: l.skuId, quantity: l.quantity })), addressId: address.id }, abort.signal)
        .then((q) => { setQuote(q); setProblems(NONE); })
        .catch((err) => { if (!abort.signal.aborted) setProblems(explain(err)); });
    }, 250);
    return () => { clearTimeout(timer); abort.abort(); };
    // quoteKey says everything the quote depends on (the address and the lines).
  }, [quoteKey]);

  const setDraft = (next: CheckoutDraft) => { setDraftState(next); saveDraft(next); };
  const setQuantity = (skuId: string, quantity: number) => {
    setDraft({ ...draft, lines: draft.lines.map((l) => (l.skuId === skuId ? { ...l, quantity } : l)) });
    setProblems((p) => ({ ...p, lines: Object.fromEntries(Object.entries(p.lines).filter(([k]) => k !== skuId)) }));
  };
  const removeLines = (keep: (l: DraftLine) => boolean) => {
    setDraft({ ...draft, lines: draft.lines.filter(keep) });
    setProblems(NONE);
  };
  const chooseAddress = (a: Address) => {
    setDraft({ ...draft, addressId: a.id });
    setProblems((p) => ({ ...p, address: null }));
    setSheet(null);
  };

  const submit = async () => {
    if (!address) { setSheet('add'); return; }
    const body: CheckoutInput = {
      items: draft.lines.map((l) => ({ skuId: l.skuId, quantity: l.quantity })),
      addressId: address.id, fromCart: draft.fromCart, source: { kind: 'storefront' },
      ...(draft.note?.trim() ? { note: draft.note.trim() } : {}),
    };
    // One key per intended checkout: the same body retried keeps its key, a changed body gets a new one.
    const bodyText = JSON.stringify(body);
    const attempt = draft.attempt?.body === bodyText ? draft.attempt : { key: newIdempotencyKey(), body: bodyText };
    setDraft({ ...draft, attempt });
    setBusy(true);
    setProblems(NONE);
    try {
      const checkout = await checkoutsApi.place(body, attempt.key);
      clearDraft();
      navigate(`/pay/${checkout.id}`, { replace: true });
    } catch (err) {
      setProblems(explain(err));
      setBusy(false);
    }
  };

  const explain = (err: unknown): Problems => {
    const out: Problems = { lines: {}, address: null, general: null };
    if (!isProblem(err)) return { ...out, general: problemText(err, t) };
    const b = err.body;
    const lineAt = (pointer: string) => { const m = /^\/body\/items\/(\d+)/.exec(pointer); return m ? draft.lines[Number(m[1])] : undefined; };
    const skuLine = typeof b.skuId === 'string' ? draft.lines.find((l) => l.skuId === b.skuId) : err.errors.map((e) => lineAt(e.pointer)).find(Boolean);
    switch (err.code) {
      case 'sold_out': {
        const left = typeof b.available === 'number' ? b.available : 0;
        if (skuLine) {
          setCaps((c) => ({ ...c, [skuLine.skuId]: left }));
          out.lines[skuLine.skuId] = left > 0
            ? { text: t('checkout.err.fewLeft', { n: left, unit: skuLine.unit }), setTo: left }
            : { text: t('checkout.err.soldOut'), remove: true };
        } else out.general = problemText(err, t);
        return out;
      }
      case 'purchase_limit': {
        const limit = typeof b.limit === 'number' ? b.limit : 0;
        if (skuLine) {
          setCaps((c) => ({ ...c, [skuLine.skuId]: Math.max(1, limit) }));
          out.lines[skuLine.skuId] = { text: t('checkout.err.limit', { n: limit, unit: skuLine.unit }) };
        } else out.general = problemText(err, t);
        return out;
      }
      case 'region_not_delivered': {
        const supplierId = typeof b.supplierId === 'string' ? b.supplierId : undefined;
        const supplier = draft.lines.find((l) => l.supplierId === supplierId)?.supplierName ?? t('checkout.err.aSupplier');
        const province = address?.regionName.split(/\s+/)[0] ?? '';
        out.address = { text: t('checkout.err.notDelivered', { supplier, province }), ...(supplierId ? { supplierId } : {}) };
        return out;
      }
      case 'validation_failed': {
        for (const e of err.errors) {
          const line = lineAt(e.pointer);
          if (line && e.code === 'not_on_sale') out.lines[line.skuId] = { text: t('checkout.err.offSale'), remove: true };
          else if (line) out.lines[line.skuId] = { text: t('checkout.err.quantity') };
          else if (e.pointer.startsWith('/body/addressId')) out.address = { text: t('checkout.err.address') };
        }
        if (!Object.keys(out.lines).length && !out.address) out.general = problemText(err, t);
        return out;
      }
      default:
        return { ...out, general: problemText(err, t) };
    }
  };

  if (draft.lines.length === 0) {
    return <EmptyState title={t('checkout.emptyTitle')} action={<Link to="/cart" className="btn btn-primary">{t('checkout.toCart')}</Link>}>{t('checkout.emptyHint')}</EmptyState>;
  }
  const count = draft.lines.reduce((s, l) => s + l.quantity, 0);
  return (
    <>
      <section className="panel address-row" aria-label={t('checkout.address')}>
        <button type="button" className="address-pick" onClick={() => setSheet(address ? 'pick' : 'add')} data-testid="address-row">
          {address ? <AddressText address={address} /> : <span className="addr-empty">{t('checkout.addAddress')}</span>}
          <span className="chevron" aria-hidden="true">›</span>
        </button>
        {problems.address && (
          <div className="inline-problem" role="alert">
            {problems.address.text}
            {problems.address.supplierId && (
              <button type="button" className="link-btn" onClick={() => removeLines((l) => l.supplierId !== problems.address?.supplierId)}>{t('checkout.removeSupplier')}</button>
            )}
          </div>
        )}
      </section>

      {groupBySupplier(draft.lines).map((g) => (
        <section key={g.supplierId} className="panel supplier-group" aria-label={g.supplierName}>
          <h2 className="supplier-name">{g.supplierName}</h2>
          <ul className="lines">
            {g.items.map((l) => {
              const p = problems.lines[l.skuId];
              const max = Math.max(1, Math.min(maxQuantity(l.stockAvailable, l.maxPerBuyer) || l.quantity, caps[l.skuId] ?? 999));
              return (
                <li key={l.skuId} className={p ? 'line has-problem' : 'line'} data-testid="checkout-line">
                  <div className="thumb"><ProductImage src={l.coverUrl} alt={l.title} /></div>
                  <div className="line-body">
                    <div className="line-title">{l.title}</div>
                    <div className="line-spec">{l.spec}</div>
                    <div className="line-foot">
                      <Price fen={l.priceFen} />
                      <Stepper value={l.quantity} max={Math.max(max, 1)} onChange={(n) => setQuantity(l.skuId, n)} label={t('cart.quantityOf', { title: l.title })} disabled={busy} />
                    </div>
                    {p && (
                      <div className="inline-problem" role="alert">
                        {p.text}
                        {p.setTo !== undefined && <button type="button" className="link-btn" onClick={() => setQuantity(l.skuId, p.setTo!)}>{t('buy.changeTo', { n: p.setTo, unit: l.unit })}</button>}
                        {p.remove && <button type="button" className="link-btn" onClick={() => removeLines((x) => x.skuId !== l.skuId)}>{t('checkout.removeLine')}</button>}
                      </div>
                    )}
                  </div>
                </li>
              );
            })}
          </ul>
          <div className="kv" data-testid="shipping">
            <span>{t('checkout.shipping')}</span>
            {(() => {
              const o = quote?.orders.find((x) => x.supplierId === g.supplierId);
              if (!o) return <span className="muted">{t('checkout.shippingAfter')}</span>;
              return o.shippingFen === 0 ? <span>{t('order.freeShipping')}</span> : <Price fen={o.shippingFen} />;
            })()}
          </div>
        </section>
      ))}

      <section className="panel">
        <label className="note-field">
          <span>{t('checkout.note')}</span>
          <input maxLength={200} value={draft.note ?? ''} placeholder={t('checkout.notePlaceholder')} onChange={(e) => setDraft({ ...draft, note: e.target.value })} />
        </label>
      </section>

      {problems.general && <div className="form-error" role="alert" style={{ margin: 8 }}>{problems.general}</div>}
      <div className="checkout-bar">
        <div className="total">
          <span>{t('checkout.count', { n: count })}</span>
          {quote
            ? <div data-testid="payable">{t('checkout.payable')} <Price fen={quote.totalFen} /></div>
            : <div className="hint">{t('checkout.totalAfter')}</div>}
        </div>
        <button type="button" className="btn btn-primary" onClick={() => void submit()} disabled={busy} data-testid="place-order">
          {busy ? t('checkout.placing') : t('checkout.place')}
        </button>
      </div>

      {sheet && (
        <AddressSheet
          addresses={all} selectedId={address?.id} startAdding={sheet === 'add'} onClose={() => setSheet(null)} onPick={chooseAddress}
          onAdded={(a) => { setExtra((x) => [...x, a]); chooseAddress(a); reloadAddresses(); }}
        />
      )}
    </>
  );
}

/** 确认订单: address, items by supplier, note, 提交订单. Totals and shipping come back from the server. */
export function CheckoutPage() {
  const { t } = useI18n();
  const session = useSession();
  const [draft] = useState(loadDraft);
  const signedIn = session.status === 'signedIn';
  const addresses = useAsync(() => (signedIn ? addressesApi.list() : Promise.resolve({ items: [] as Address[] })), [signedIn]);
  useEffect(() => { document.title = `${t('checkout.title')} - ${t('app.name')}`; }, [t]);
  let body;
  if (session.status === 'loading') body = <div className="state" role="status">{t('common.loading')}</div>;
  else if (!signedIn) return <Navigate to={signInPath('/checkout')} replace />;
  else if (!draft) {
    body = <EmptyState title={t('checkout.emptyTitle')} action={<Link to="/cart" className="btn btn-primary">{t('checkout.toCart')}</Link>}>{t('checkout.emptyHint')}</EmptyState>;
  } else if (addresses.error) body = <ErrorState error={addresses.error} onRetry={addresses.reload} />;
  else if (!addresses.data) body = <div className="state" role="status">{t('common.loading')}</div>;
  else body = <CheckoutForm initial={draft} addresses={addresses.data.items} reloadAddresses={addresses.reload} />;
  return (
    <>
      <PageHeader title={t('checkout.title')} />
      {body}
    </>
  );
}
