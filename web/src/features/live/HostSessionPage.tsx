import { useEffect, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import { storeApi } from '../../api/catalog';
import { ProblemError } from '../../api/client';
import { liveApi, showcaseApi, type LiveItem, type LiveSession, type StreamKey } from '../../api/liveSessions';
import type { StoreSku } from '../../api/types';
import { useI18n } from '../../i18n';
import { fieldMessages, problemText } from '../../shared/problems';
import { useSession } from '../../shared/session';
import { useAsync } from '../../shared/useAsync';
import { Sheet } from '../store/buy';
import { PageHeader } from '../store/PageHeader';
import { ErrorState } from '../store/States';
import { useToast } from '../store/Toast';
import { useHostGate } from './HostSessions';
import { copyText, formatSlot, formatWindow, kindKey, parseYuan, platformKey, sessionBadge, yuan } from './sessionShared';
import './live-sessions.css';

function CopyRow({ label, value, testId }: { label: string; value: string; testId: string }) {
  const { t } = useI18n();
  const toast = useToast();
  return (
    <div className="hs-copy">
      <span className="muted">{label}</span>
      <div className="lp-copy-row">
        <code data-testid={testId}>{value}</code>
        <button type="button" className="btn" onClick={() => void copyText(value).then((ok) => toast(ok ? t('live.copied') : t('live.copyFailed')))}>{t('live.copy')}</button>
      </div>
    </div>
  );
}

/** 推流地址: the key is shown only on request (each read is audited); rotating revokes the old key. */
function StreamKeyCard({ s }: { s: LiveSession }) {
  const { t } = useI18n();
  const toast = useToast();
  const [key, setKey] = useState<StreamKey | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (fn: () => Promise<StreamKey>) => {
    setBusy(true);
    try { setKey(await fn()); } catch (err) { toast(problemText(err, t)); } finally { setBusy(false); }
  };
  return (
    <section className="lp-section" aria-labelledby="hs-key">
      <h3 id="hs-key">{t('live.key.title')}</h3>
      <p className="form-note">{t('live.key.hint')}</p>
      {key ? (
        <>
          <CopyRow label={t('live.key.server')} value={key.ingestUrl} testId="ingest-url" />
          <CopyRow label={t('live.key.key')} value={key.streamKey} testId="stream-key" />
          <CopyRow label={t('live.key.full')} value={key.fullUrl} testId="full-url" />
          {(s.status === 'scheduled' || s.status === 'live') && (
            <button type="button" className="btn" disabled={busy} onClick={() => { if (window.confirm(t('live.key.rotateConfirm'))) void run(() => liveApi.rotateKey(s.id)); }}>{t('live.key.rotate')}</button>
          )}
        </>
      ) : <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void run(() => liveApi.streamKey(s.id))} data-testid="show-key">{t('live.key.show')}</button>}
    </section>
  );
}

interface ItemForm { livePrice: string; stock: string; slotMinute: string; slotMinutes: string; talkingPoints: string }
const itemForm = (i?: LiveItem): ItemForm => ({
  livePrice: i ? (i.livePriceFen / 100).toFixed(2) : '', stock: i ? String(i.stockLeft) : '', slotMinute: i?.slotMinute != null ? String(i.slotMinute) : '',
  slotMinutes: i?.slotMinutes != null ? String(i.slotMinutes) : '', talkingPoints: i?.talkingPoints ?? '',
});
const optInt = (v: string) => (v.trim() === '' ? null : Number(v));

function ItemFields({ f, set, msgs, unit }: { f: ItemForm; set: (p: Partial<ItemForm>) => void; msgs: Record<string, string>; unit: string }) {
  const { t } = useI18n();
  return (
    <>
      <div className="field-row2">
        <div className="field">
          <label htmlFor="it-price">{t('live.item.livePrice')}</label>
          <input id="it-price" inputMode="decimal" value={f.livePrice} onChange={(e) => set({ livePrice: e.target.value })} aria-invalid={!!msgs.livePriceFen} />
          {msgs.livePriceFen && <span className="field-error">{msgs.livePriceFen}</span>}
        </div>
        <div className="field">
          <label htmlFor="it-stock">{t('live.item.stock', { unit })}</label>
          <input id="it-stock" inputMode="numeric" value={f.stock} onChange={(e) => set({ stock: e.target.value })} aria-invalid={!!msgs.stock} />
          {msgs.stock && <span className="field-error">{msgs.stock}</span>}
        </div>
      </div>
      <div className="field-row2">
        <div className="field">
          <label htmlFor="it-slot">{t('live.item.slotMinute')}</label>
          <input id="it-slot" inputMode="numeric" value={f.slotMinute} onChange={(e) => set({ slotMinute: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="it-len">{t('live.item.slotMinutes')}</label>
          <input id="it-len" inputMode="numeric" value={f.slotMinutes} onChange={(e) => set({ slotMinutes: e.target.value })} />
        </div>
      </div>
      <div className="field">
        <label htmlFor="it-points">{t('live.item.talkingPoints')}</label>
        <textarea id="it-points" rows={3} maxLength={2000} value={f.talkingPoints} onChange={(e) => set({ talkingPoints: e.target.value })} />
      </div>
    </>
  );
}

/** Reads the item form; answers the body or a message about what to fix. */
function readItem(f: ItemForm, t: ReturnType<typeof useI18n>['t']): { body: { livePriceFen: number; stock: number; slotMinute: number | null; slotMinutes: number | null; talkingPoints: string } } | { error: string } {
  const livePriceFen = parseYuan(f.livePrice);
  if (livePriceFen === null || livePriceFen <= 0) return { error: t('live.item.badPrice') };
  if (!/^\d+$/.test(f.stock.trim())) return { error: t('live.item.badStock') };
  for (const v of [f.slotMinute, f.slotMinutes]) if (v.trim() !== '' && !/^\d+$/.test(v.trim())) return { error: t('live.item.badSlot') };
  return { body: { livePriceFen, stock: Number(f.stock.trim()), slotMinute: optInt(f.slotMinute), slotMinutes: optInt(f.slotMinutes), talkingPoints: f.talkingPoints.trim() } };
}

function EditItemSheet({ s, item, onClose, onSaved }: { s: LiveSession; item: LiveItem; onClose: () => void; onSaved: () => void }) {
  const { t } = useI18n();
  const [f, setF] = useState(itemForm(item));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    const r = readItem(f, t);
    if ('error' in r) { setError(new Error(r.error)); return; }
    setBusy(true);
    try {
      await liveApi.updateItem(s.id, item.id, r.body);
      onSaved();
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  return (
    <Sheet title={t('live.item.editTitle', { n: item.roomCode })} onClose={onClose}>
      <form onSubmit={(e) => void save(e)} className="hs-form" noValidate>
        <p className="muted">{item.title} · {item.spec} · {t('live.item.listPrice')} {yuan(item.listPriceFen)}</p>
        {error != null && <p className="form-error" role="alert">{error instanceof ProblemError || !(error instanceof Error) ? problemText(error, t) : error.message}</p>}
        <ItemFields f={f} set={(p) => setF({ ...f, ...p })} msgs={fieldMessages(error, t)} unit={item.unit} />
        <p className="form-note">{t('live.item.stockHint', { allotted: item.stockAllotted, left: item.stockLeft })}</p>
        <button type="submit" className="btn btn-primary btn-block" disabled={busy}>{t('common.save')}</button>
      </form>
    </Sheet>
  );
}

/** Pick a product from the showcase, then its SKU, live price and the stock to set aside. */
function AddItemSheet({ s, onClose, onSaved }: { s: LiveSession; onClose: () => void; onSaved: () => void }) {
  const { t } = useI18n();
  const showcase = useAsync((signal) => showcaseApi.list(s.host.id, signal), [s.host.id]);
  const [productId, setProductId] = useState<string | null>(null);
  const product = useAsync(() => (productId ? storeApi.get(productId) : Promise.resolve(null)), [productId]);
  const [sku, setSku] = useState<StoreSku | null>(null);
  const [f, setF] = useState(itemForm());
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const taken = new Set(s.items.map((i) => i.skuId));
  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!sku) return;
    const r = readItem(f, t);
    if ('error' in r) { setError(new Error(r.error)); return; }
    setBusy(true);
    try {
      await liveApi.addItem(s.id, { skuId: sku.id, ...r.body });
      onSaved();
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  // Sellable first; the rest shown greyed with why, so a host knows what happened to a product.
  const products = [...(showcase.data?.items ?? [])].sort((a, b) => Number(b.sellable) - Number(a.sellable));
  return (
    <Sheet title={t('live.item.addTitle')} onClose={onClose} tall>
      {!productId ? (
        showcase.error ? <ErrorState error={showcase.error} onRetry={showcase.reload} />
          : !showcase.data ? <div className="state" role="status">{t('common.loading')}</div>
            : !products.some((p) => p.sellable) ? <p className="state">{t('live.item.emptyShowcase')}</p> : (
              <ul className="hs-pick">
                {products.map((p) => (
                  <li key={p.productId}>
                    <button type="button" onClick={() => setProductId(p.productId)} disabled={!p.sellable} data-testid="showcase-product">
                      {p.coverUrl ? <img src={p.coverUrl} alt="" /> : <span className="lp-img-empty" aria-hidden="true" />}
                      <span><span className="lp-item-title">{p.title}</span><span className="muted">{p.supplierName}{p.sellable ? '' : ` · ${t('live.item.notSellable')}`}</span></span>
                    </button>
                  </li>
                ))}
              </ul>
            )
      ) : (
        <form onSubmit={(e) => void save(e)} className="hs-form" noValidate>
          <button type="button" className="btn" onClick={() => { setProductId(null); setSku(null); }}>{t('live.item.otherProduct')}</button>
          {product.error ? <ErrorState error={product.error} onRetry={product.reload} /> : !product.data ? <div className="state" role="status">{t('common.loading')}</div> : (
            <>
              <p className="lp-item-title">{product.data.title}</p>
              <div className="hs-skus" role="radiogroup" aria-label={t('live.item.sku')}>
                {product.data.skus.map((k) => (
                  <button key={k.id} type="button" role="radio" aria-checked={sku?.id === k.id} disabled={taken.has(k.id)}
                    className={sku?.id === k.id ? 'chip active' : 'chip'}
                    onClick={() => { setSku(k); setF({ ...f, livePrice: f.livePrice || (k.priceFen / 100).toFixed(2) }); }}>
                    {k.spec} · {yuan(k.priceFen)} · {t('live.item.inStock', { n: k.stockAvailable })}{taken.has(k.id) ? ` · ${t('live.item.already')}` : ''}
                  </button>
                ))}
              </div>
              {error != null && <p className="form-error" role="alert">{error instanceof ProblemError || !(error instanceof Error) ? problemText(error, t) : error.message}</p>}
              {sku && <ItemFields f={f} set={(p) => setF({ ...f, ...p })} msgs={fieldMessages(error, t)} unit={product.data.unit} />}
              <button type="submit" className="btn btn-primary btn-block" disabled={busy || !sku} data-testid="add-item-save">{t('live.item.add')}</button>
            </>
          )}
        </form>
      )}
    </Sheet>
  );
}

function RunOfShow({ s, reload }: { s: LiveSession; reload: () => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const [editing, setEditing] = useState<LiveItem | null>(null);
  const [adding, setAdding] = useState(false);
  const [busy, setBusy] = useState(false);
  const open = s.status === 'scheduled' || s.status === 'live';
  const mine = s.can.edit || s.can.end || s.can.goLive;
  const act = async (fn: () => Promise<unknown>, done?: string) => {
    setBusy(true);
    try { await fn(); if (done) toast(done); reload(); } catch (err) { toast(problemText(err, t)); } finally { setBusy(false); }
  };
  const move = (idx: number, by: number) => {
    const ids = s.items.map((i) => i.id);
    const [x] = ids.splice(idx, 1);
    ids.splice(idx + by, 0, x!);
    void act(() => liveApi.reorder(s.id, ids));
  };
  return (
    <section className="lp-section" aria-labelledby="hs-ros">
      <h3 id="hs-ros">{t('live.ros.title', { n: s.items.length })}</h3>
      {s.items.length === 0 ? <p className="muted">{t('live.ros.empty')}</p> : (
        <ol className="hs-items">
          {s.items.map((i, idx) => (
            <li key={i.id} className="hs-item" data-testid="ros-item">
              <span className="lp-code">{t('live.roomCode', { n: i.roomCode })}</span>
              <div className="hs-item-body">
                <span className="lp-item-title">{i.title}</span>
                <span className="muted">{i.spec}{i.slotMinute != null ? ` · ${t('live.ros.slot', { at: i.slotMinute, len: i.slotMinutes ?? '-' })}` : ''}</span>
                <span><strong className="lp-red">{yuan(i.livePriceFen)}</strong> <s className="muted">{yuan(i.listPriceFen)}</s> · {t('live.ros.stock', { left: i.stockLeft, allotted: i.stockAllotted, unit: i.unit })}</span>
                {i.talkingPoints && <span className="muted hs-points">{i.talkingPoints}</span>}
              </div>
              {open && mine && (
                <div className="hs-item-actions">
                  <button type="button" className="btn" onClick={() => setEditing(i)} aria-label={t('live.ros.edit', { n: i.roomCode })}>{t('common.edit')}</button>
                  <button type="button" className="btn" disabled={busy || idx === 0} onClick={() => move(idx, -1)} aria-label={t('live.ros.up', { n: i.roomCode })}>↑</button>
                  <button type="button" className="btn" disabled={busy || idx === s.items.length - 1} onClick={() => move(idx, 1)} aria-label={t('live.ros.down', { n: i.roomCode })}>↓</button>
                  {s.status === 'scheduled' && (
                    <button type="button" className="btn" disabled={busy} onClick={() => { if (window.confirm(t('live.ros.removeConfirm', { title: i.title, n: i.stockLeft }))) void act(() => liveApi.removeItem(s.id, i.id), t('live.ros.removed')); }}>{t('live.ros.remove')}</button>
                  )}
                </div>
              )}
            </li>
          ))}
        </ol>
      )}
      {open && mine && <button type="button" className="btn btn-primary btn-block" onClick={() => setAdding(true)} data-testid="add-item">{t('live.ros.add')}</button>}
      {editing && <EditItemSheet s={s} item={editing} onClose={() => setEditing(null)} onSaved={() => { setEditing(null); reload(); }} />}
      {adding && <AddItemSheet s={s} onClose={() => setAdding(false)} onSaved={() => { setAdding(false); toast(t('live.ros.added')); reload(); }} />}
    </section>
  );
}

function Actions({ s, onChanged }: { s: LiveSession; onChanged: (s: LiveSession) => void }) {
  const { t, lang } = useI18n();
  const { user } = useSession();
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  const run = async (fn: () => Promise<LiveSession>, done: string) => {
    setBusy(true);
    try { onChanged(await fn()); toast(done); } catch (err) { toast(problemText(err, t)); } finally { setBusy(false); }
  };
  const early = new Date(s.goLiveFrom).getTime() > Date.now();
  return (
    <div className="hs-actions">
      {s.status === 'scheduled' && s.kind !== 'practice' && s.approval !== 'approved' && <p className="form-note">{t('live.host.needsApproval')}</p>}
      {s.can.goLive && (
        <>
          <button type="button" className="btn btn-primary btn-block" disabled={busy || early} onClick={() => void run(() => liveApi.goLive(s.id), t('live.host.wentLive'))} data-testid="go-live">{t('live.host.goLive')}</button>
          {early && <p className="form-note">{t('live.host.goLiveFrom', { at: formatSlot(s.goLiveFrom, lang) })}</p>}
        </>
      )}
      {s.status === 'live' && s.host.id === user?.id && <Link to={`/host/sessions/${s.id}/live`} className="btn btn-primary btn-block" data-testid="host-console">{t('live.host.console')}</Link>}
      {(s.status === 'live' || s.status === 'scheduled') && s.kind !== 'external' && <Link to={`/live/${s.id}`} className="btn btn-block">{t('live.host.openRoom')}</Link>}
      {s.can.edit && <Link to={`/host/sessions/${s.id}/edit`} className="btn btn-block">{t('live.host.edit')}</Link>}
      {s.can.end && <button type="button" className="btn btn-block" disabled={busy} onClick={() => { if (window.confirm(t('live.host.endConfirm'))) void run(() => liveApi.end(s.id), t('live.host.ended')); }}>{t('live.host.end')}</button>}
      {s.can.cancel && (
        <button type="button" className="btn btn-block" disabled={busy} onClick={() => {
          const reason = window.prompt(t('live.host.cancelPrompt'));
          if (reason !== null) void run(() => liveApi.cancel(s.id, reason), t('live.host.cancelled'));
        }}>{t('live.host.cancel')}</button>
      )}
    </div>
  );
}

function CoverPicker({ s, onChanged }: { s: LiveSession; onChanged: (s: LiveSession) => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const [busy, setBusy] = useState(false);
  const pick = async (file: File | undefined) => {
    if (!file) return;
    setBusy(true);
    try { onChanged(await liveApi.uploadCover(s.id, file)); toast(t('live.cover.done')); } catch (err) { toast(problemText(err, t)); } finally { setBusy(false); }
  };
  return (
    <div className="lp-cover">
      {s.coverUrl ? <img src={s.coverUrl} alt={t('live.cover.alt')} /> : <div className="lp-cover-empty" aria-hidden="true">LIVE</div>}
      {s.status !== 'ended' && s.status !== 'cancelled' && (
        <label className="hs-cover-btn">
          {busy ? t('common.loading') : s.coverUrl ? t('live.cover.change') : t('live.cover.add')}
          <input type="file" accept="image/jpeg,image/png,image/webp" hidden disabled={busy} onChange={(e) => void pick(e.target.files?.[0])} data-testid="cover-input" />
        </label>
      )}
    </div>
  );
}

/** One of my sessions: state and actions, cover, stream key and ingest URL, the run-of-show editor. */
export function HostSessionPage() {
  const { t, lang } = useI18n();
  const { sessionId = '' } = useParams();
  const { user } = useSession();
  const gate = useHostGate(`/host/sessions/${sessionId}`);
  const data = useAsync((signal) => (gate ? Promise.resolve(null) : liveApi.get(sessionId, signal)), [sessionId, !!gate]);
  const s = data.data;
  useEffect(() => { if (s) document.title = `${s.title} - ${t('app.name')}`; }, [s, t]);
  if (gate) return gate;
  if (data.error) return <><PageHeader title={t('live.host.title')} /><ErrorState error={data.error} onRetry={data.reload} /></>;
  if (!s) return <><PageHeader title={t('live.host.title')} /><div className="state" role="status">{t('common.loading')}</div></>;
  const mine = s.host.id === user?.id;
  return (
    <div className="host-session" data-testid="host-session-page">
      <PageHeader title={s.title} />
      {mine ? <CoverPicker s={s} onChanged={data.setData} /> : null}
      <section className="lp-head">
        <p><span className={`hs-badge st-${s.status} ap-${s.approval}`} data-testid="session-badge">{sessionBadge(s, t)}</span> <span className="muted">{t(kindKey(s.kind))}{s.platform ? ` · ${t(platformKey(s.platform))}` : ''}</span></p>
        <p className="lp-time">{formatWindow(s.scheduledStart, s.scheduledEnd, lang)}</p>
        {s.approval === 'rejected' && <p className="form-error">{t('live.host.rejected', { note: s.approvalNote })}</p>}
        {s.approval === 'approved' && s.approvalNote && s.kind !== 'practice' && <p className="muted">{t('live.host.approvedNote', { note: s.approvalNote })}</p>}
        <p className="muted">{t('live.preview.reservations', { n: s.reservationCount })}</p>
        <Actions s={s} onChanged={data.setData} />
      </section>
      {s.can.streamKey && (s.status === 'scheduled' || s.status === 'live') && <StreamKeyCard s={s} />}
      <RunOfShow s={s} reload={data.reload} />
      {(s.status === 'ended' || s.status === 'live') && <HostReport sessionId={s.id} />}
      {s.kind === 'external' && s.status !== 'cancelled' && mine && <HostExternalSales sessionId={s.id} />}
    </div>
  );
}

function HostReport({ sessionId }: { sessionId: string }) {
  const { t } = useI18n();
  const r = useAsync((signal) => liveApi.report(sessionId, signal), [sessionId]);
  if (!r.data) return null;
  const d = r.data;
  const cells: [string, string | number][] = d.kind === 'external'
    ? [[t('live.report.orders'), d.external.orders], [t('live.ext.units'), d.external.units], [t('live.report.gmv'), yuan(d.external.gmvFen)]]
    : [
      [t('live.report.peak'), d.viewers.peak], [t('live.report.average'), d.viewers.average], [t('live.report.watchMinutes'), d.viewers.watchMinutes],
      [t('live.report.orders'), d.orders], [t('live.report.gmv'), yuan(d.gmvFen)], [t('live.report.likes'), d.likes],
    ];
  return (
    <section className="lp-section" aria-labelledby="hs-rep">
      <h3 id="hs-rep">{t('live.report.title')}</h3>
      <dl className="hs-figures">{cells.map(([k, v]) => <div key={k}><dt>{k}</dt><dd>{v}</dd></div>)}</dl>
      {d.kind !== 'external' && d.external.sales.length > 0 && <p className="muted">{t('live.report.externalLine', { orders: d.external.orders, gmv: yuan(d.external.gmvFen) })}</p>}
    </section>
  );
}

/** 站外成交 on the phone: what the platform reported, entered line by line (the console also imports sheets). */
function HostExternalSales({ sessionId }: { sessionId: string }) {
  const { t } = useI18n();
  const toast = useToast();
  const r = useAsync((signal) => liveApi.report(sessionId, signal), [sessionId]);
  const [f, setF] = useState({ label: '', orders: '', units: '', gmv: '' });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const add = async (e: FormEvent) => {
    e.preventDefault();
    const gmvFen = parseYuan(f.gmv);
    if (!f.label.trim()) { setError(new Error(t('live.ext.labelRequired'))); return; }
    if (!/^\d+$/.test(f.orders.trim()) || !/^\d+$/.test(f.units.trim())) { setError(new Error(t('live.ext.wholeNumbers'))); return; }
    if (gmvFen === null) { setError(new Error(t('live.item.badPrice'))); return; }
    setBusy(true);
    setError(null);
    try {
      await liveApi.addSale(sessionId, { label: f.label.trim(), orders: Number(f.orders), units: Number(f.units), gmvFen });
      setF({ label: '', orders: '', units: '', gmv: '' });
      toast(t('live.ext.added'));
      r.reload();
    } catch (err) { setError(err); } finally { setBusy(false); }
  };
  const remove = async (saleId: string) => {
    try { await liveApi.deleteSale(sessionId, saleId); r.reload(); } catch (err) { toast(problemText(err, t)); }
  };
  const sales = r.data?.external.sales ?? [];
  return (
    <section className="lp-section" aria-labelledby="hs-ext">
      <h3 id="hs-ext">{t('live.ext.title')}</h3>
      {sales.length === 0 ? <p className="muted">{t('live.ext.empty')}</p> : (
        <ul className="hs-list">
          {sales.map((x) => (
            <li key={x.id} className="hs-sale" data-testid="ext-sale">
              <span className="lp-item-title">{x.label}</span>
              <span className="muted">{t('live.ext.line', { orders: x.orders, units: x.units })} · <strong>{yuan(x.gmvFen)}</strong></span>
              <button type="button" className="btn" onClick={() => { if (window.confirm(t('live.ext.deleteConfirm', { label: x.label }))) void remove(x.id); }}>{t('live.ext.delete')}</button>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={(e) => void add(e)} noValidate className="hs-ext-form">
        {error != null && <p className="form-error" role="alert">{error instanceof ProblemError || !(error instanceof Error) ? problemText(error, t) : error.message}</p>}
        <div className="field"><label htmlFor="ext-label">{t('live.ext.label')}</label><input id="ext-label" maxLength={100} value={f.label} onChange={(e) => setF({ ...f, label: e.target.value })} /></div>
        <div className="field-row2">
          <div className="field"><label htmlFor="ext-orders">{t('live.report.orders')}</label><input id="ext-orders" inputMode="numeric" value={f.orders} onChange={(e) => setF({ ...f, orders: e.target.value })} /></div>
          <div className="field"><label htmlFor="ext-units">{t('live.ext.units')}</label><input id="ext-units" inputMode="numeric" value={f.units} onChange={(e) => setF({ ...f, units: e.target.value })} /></div>
        </div>
        <div className="field"><label htmlFor="ext-gmv">{t('live.ext.gmvYuan')}</label><input id="ext-gmv" inputMode="decimal" value={f.gmv} onChange={(e) => setF({ ...f, gmv: e.target.value })} /></div>
        <button type="submit" className="btn btn-primary btn-block" disabled={busy} data-testid="ext-add">{t('live.ext.add')}</button>
      </form>
    </section>
  );
}
