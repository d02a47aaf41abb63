/**
 * 我的售后: the buyer's cases, and one case with its timeline, the refund, the photos, the
 * return tracking form when the goods are to be sent back, 平台介入 when allowed, and 撤销.
 */
import { useEffect, useState } from 'react';
import { Link, Navigate, useNavigate, useParams } from 'react-router-dom';
import { isProblem } from '../../../api/client';
import { storeAftersalesApi, type AftersalesCase } from '../../../api/storeAftersales';
import { hasKey, useI18n, type Translate } from '../../../i18n';
import { formatDateTime, formatFen } from '../../../shared/format';
import { problemText } from '../../../shared/problems';
import { useSession } from '../../../shared/session';
import { useAsync, useCursorList } from '../../../shared/useAsync';
import { Sheet, signInPath } from '../buy';
import { PageHeader } from '../PageHeader';
import { Price } from '../Price';
import { EmptyState, ErrorState } from '../States';
import { useToast } from '../Toast';
import { caseStatusKey } from './OrderAftersales';
import './aftersales.css';

const TRACKING_RE = /^[A-Za-z0-9-]{6,40}$/;

function reasonLabel(c: AftersalesCase, t: Translate): string {
  const key = `myAs.reason.${c.reasonCode}`;
  return hasKey(key) ? t(key) : c.reasonCode;
}

function caseAmount(c: AftersalesCase): number {
  return c.refund?.amountFen ?? c.approvedFen ?? c.requestedFen;
}

function CaseCard({ c }: { c: AftersalesCase }) {
  const { t } = useI18n();
  return (
    <li className="order-card" data-testid="case-card">
      <Link to={`/me/aftersales/${c.id}`} className="order-card-link">
        <div className="order-head">
          <span className="case-kind">{t(`myAs.kind.${c.kind}`)} · {reasonLabel(c, t)}</span>
          <span className={`case-status cs-${c.status}`}>{t(caseStatusKey(c))}</span>
        </div>
        <ul className="order-items">
          {c.items.map((i) => <li key={i.orderItemId}><span className="line-title">{i.title}</span><span className="muted"> {i.spec} ×{i.quantity}</span></li>)}
        </ul>
        <div className="order-sum">
          <span className="muted">{formatDateTime(c.createdAt).slice(5)} </span>
          {t(c.status === 'refunded' ? 'myAs.refundedAmount' : 'myAs.requested')} <Price fen={caseAmount(c)} />
        </div>
      </Link>
    </li>
  );
}

/** /me/aftersales */
export function CasesPage() {
  const { t } = useI18n();
  const session = useSession();
  const signedIn = session.status === 'signedIn';
  const list = useCursorList((cursor) => (signedIn ? storeAftersalesApi.mine({ cursor, limit: 20 }) : Promise.resolve({ items: [], nextCursor: null })), [signedIn]);
  useEffect(() => { document.title = `${t('myAs.mine')} - ${t('app.name')}`; }, [t]);
  if (session.status !== 'loading' && !signedIn) return <Navigate to={signInPath('/me/aftersales')} replace />;
  return (
    <>
      <PageHeader title={t('myAs.mine')} />
      {list.error && !list.items.length ? <ErrorState error={list.error} onRetry={list.reload} />
        : list.loading && !list.items.length ? <div className="state" role="status">{t('common.loading')}</div>
          : list.items.length === 0 ? (
            <EmptyState title={t('myAs.empty')} action={<Link to="/me/orders" className="btn btn-primary">{t('myAs.toOrders')}</Link>}>{t('myAs.emptyHint')}</EmptyState>
          ) : (
            <ul className="order-list">{list.items.map((c) => <CaseCard key={c.id} c={c} />)}</ul>
          )}
      {list.hasMore && <div className="load-more"><button type="button" className="btn" onClick={list.loadMore} disabled={list.loading}>{t('common.loadMore')}</button></div>}
    </>
  );
}

interface Event { at: string; text: string; note?: string | undefined }

function timeline(c: AftersalesCase, t: Translate): Event[] {
  const ev: Event[] = [{ at: c.createdAt, text: t(c.kind === 'cancel' ? 'myAs.tl.cancelled' : 'myAs.tl.created'), note: c.reasonText || undefined }];
  if (c.supplierAnsweredAt) ev.push({ at: c.supplierAnsweredAt, text: t(c.rejectReason ? 'myAs.tl.rejected' : 'myAs.tl.answered'), note: c.rejectReason ?? undefined });
  if (c.returnShipment?.shippedAt) ev.push({ at: c.returnShipment.shippedAt, text: t('myAs.tl.returnShipped', { carrier: c.returnShipment.carrier, no: c.returnShipment.trackingNo }) });
  if (c.returnShipment?.receivedAt) ev.push({ at: c.returnShipment.receivedAt, text: t('myAs.tl.returnReceived') });
  if (c.escalation) ev.push({ at: c.escalation.at, text: t(c.escalation.by === 'buyer' ? 'myAs.tl.escalated' : 'myAs.tl.escalatedBySupplier'), note: c.escalation.note || undefined });
  if (c.decision) ev.push({ at: c.decision.at, text: t(c.decision.outcome === 'refund' ? 'myAs.tl.decidedRefund' : 'myAs.tl.decidedReject'), note: c.decision.note });
  if (c.refundedAt) {
    const done = c.refund?.status === 'succeeded';
    ev.push({ at: c.refund?.completedAt ?? c.refundedAt, text: done ? t('myAs.tl.refunded', { amount: formatFen(caseAmount(c)).replace('¥', '') }) : t('myAs.tl.refundPending') });
  }
  if (c.closedAt && !c.decision) ev.push({ at: c.closedAt, text: t('myAs.tl.closed') });
  return ev.sort((a, b) => b.at.localeCompare(a.at));
}

function statusHint(c: AftersalesCase, t: Translate): string {
  if (c.status === 'requested') {
    const at = c.buyerMayEscalateAt;
    return at && Date.parse(at) > Date.now() ? t('myAs.hint.requested', { time: formatDateTime(at) }) : t('myAs.hint.requestedNow');
  }
  if (c.status === 'refunded' && c.refund?.status !== 'succeeded') return t('myAs.hint.refundPending');
  return t(`myAs.hint.${c.status}`);
}

function ReturnForm({ c, onDone }: { c: AftersalesCase; onDone: (c: AftersalesCase) => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const [carrier, setCarrier] = useState('');
  const [no, setNo] = useState('');
  const [errors, setErrors] = useState<{ carrier?: string; trackingNo?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    const e: typeof errors = {};
    if (!carrier.trim()) e.carrier = t('myAs.carrierRequired');
    if (!TRACKING_RE.test(no.trim())) e.trackingNo = t('myAs.trackingBad');
    setErrors(e);
    if (Object.keys(e).length) return;
    setBusy(true);
    try {
      const next = await storeAftersalesApi.shipReturn(c.id, carrier.trim(), no.trim());
      toast(t('myAs.shipped'));
      onDone(next);
    } catch (err) {
      const field = isProblem(err) ? err.fieldErrors() : {};
      const text = problemText(err, t);
      setErrors(field.trackingNo ? { trackingNo: t('myAs.trackingBad') } : field.carrier ? { carrier: t('myAs.carrierRequired') } : { form: text });
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="panel" aria-labelledby="as-return-h" data-testid="return-form">
      <h2 id="as-return-h">{t('myAs.returnTitle')}</h2>
      <p className="form-note">{t('myAs.returnAddressNote')}</p>
      <div className="field">
        <label htmlFor="as-carrier">{t('myAs.carrier')}</label>
        <input id="as-carrier" value={carrier} maxLength={40} placeholder={t('myAs.carrierPlaceholder')} aria-invalid={!!errors.carrier} onChange={(e) => setCarrier(e.target.value)} />
        {errors.carrier && <span className="field-error" role="alert">{errors.carrier}</span>}
      </div>
      <div className="field">
        <label htmlFor="as-tracking">{t('myAs.trackingNo')}</label>
        <input id="as-tracking" value={no} maxLength={40} placeholder={t('myAs.trackingPlaceholder')} aria-invalid={!!errors.trackingNo} autoCapitalize="characters" onChange={(e) => setNo(e.target.value)} />
        {errors.trackingNo && <span className="field-error" role="alert">{errors.trackingNo}</span>}
      </div>
      {errors.form && <div className="form-error" role="alert">{errors.form}</div>}
      <button type="button" className="btn btn-primary btn-block" onClick={() => void submit()} disabled={busy}>{t('myAs.shipReturn')}</button>
    </section>
  );
}

function CaseDetail({ c, setCase }: { c: AftersalesCase; setCase: (c: AftersalesCase) => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const [asking, setAsking] = useState<'escalate' | 'withdraw' | null>(null);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const mayEscalateAt = c.buyerMayEscalateAt ? Date.parse(c.buyerMayEscalateAt) : null;
  const canEscalate = ['requested', 'return_shipped', 'rejected'].includes(c.status) && mayEscalateAt !== null && mayEscalateAt <= Date.now();
  const escalateLater = ['requested', 'return_shipped'].includes(c.status) && mayEscalateAt !== null && mayEscalateAt > Date.now();
  const canWithdraw = ['requested', 'awaiting_return', 'rejected'].includes(c.status);
  const act = async () => {
    setBusy(true);
    setError(null);
    try {
      const next = asking === 'escalate' ? await storeAftersalesApi.escalate(c.id, note.trim() || undefined) : await storeAftersalesApi.withdraw(c.id);
      toast(t(asking === 'escalate' ? 'myAs.escalated' : 'myAs.withdrawn'));
      setAsking(null);
      setCase(next);
    } catch (err) {
      setError(problemText(err, t));
    } finally {
      setBusy(false);
    }
  };
  const ended = ['refunded', 'closed', 'withdrawn'].includes(c.status);
  return (
    <>
      <div className={`status-banner as-banner cs-${c.status}`} role="status">
        <strong data-testid="case-status">{t(caseStatusKey(c))}</strong>
        <div className="hint">{statusHint(c, t)}</div>
      </div>

      {c.status === 'awaiting_return' && <ReturnForm c={c} onDone={setCase} />}

      <section className="panel" aria-label={t('myAs.detailTitle')}>
        <div className="kv"><span>{t('myAs.kind')}</span><span>{t(`myAs.kind.${c.kind}`)}</span></div>
        <div className="kv"><span>{t('myAs.reason')}</span><span>{reasonLabel(c, t)}</span></div>
        <div className="kv"><span>{t('myAs.requested')}</span><Price fen={c.requestedFen} /></div>
        {c.approvedFen !== null && c.approvedFen !== c.requestedFen && <div className="kv"><span>{t('myAs.approved')}</span><Price fen={c.approvedFen} /></div>}
        {c.refund && <div className="kv strong"><span>{t('myAs.refundedAmount')}</span><span data-testid="case-refund"><Price fen={c.refund.amountFen} /></span></div>}
        {c.refund && <div className="kv"><span>{t('myAs.refundNo')}</span><span>{c.refund.refundNo}</span></div>}
        {c.rejectReason && <div className="kv"><span>{t('myAs.rejectReason')}</span><span>{c.rejectReason}</span></div>}
        {c.decision && <div className="kv"><span>{t('myAs.decisionNote')}</span><span>{c.decision.note}</span></div>}
        <div className="kv"><span>{t('myAs.caseNo')}</span><span>{c.caseNo}</span></div>
        <div className="kv"><span>{t('myAs.orderNo')}</span><Link to={`/me/orders/${c.orderId}`} className="as-link">{c.orderNo} ›</Link></div>
      </section>

      <section className="panel" aria-labelledby="as-tl-h">
        <h2 id="as-tl-h">{t('myAs.timeline')}</h2>
        <ol className="as-timeline" data-testid="case-timeline">
          {timeline(c, t).map((e, i) => (
            <li key={`${e.at}-${i}`} className={i === 0 ? 'current' : ''}>
              <span className="as-tl-text">{e.text}</span>
              {e.note && <span className="as-tl-note">{e.note}</span>}
              <span className="as-tl-time">{formatDateTime(e.at)}</span>
            </li>
          ))}
        </ol>
      </section>

      <section className="panel" aria-labelledby="as-items-h">
        <h2 id="as-items-h">{t('myAs.lines')}</h2>
        <ul className="lines compact">
          {c.items.map((i) => (
            <li key={i.orderItemId} className="line">
              <div className="line-body">
                <span className="line-title">{i.title}</span>
                <span className="line-spec">{i.spec}</span>
                <div className="line-foot"><Price fen={i.unitPriceFen} /><span className="muted">×{i.quantity}</span></div>
              </div>
            </li>
          ))}
        </ul>
      </section>

      {c.photos.length > 0 && (
        <section className="panel" aria-labelledby="as-ph-h">
          <h2 id="as-ph-h">{t('myAs.photosOfCase')}</h2>
          <ul className="as-photos">
            {c.photos.map((url, i) => (
              <li key={url} className="as-photo done"><a href={url} target="_blank" rel="noreferrer"><img src={url} alt={t('myAs.photoN', { n: i + 1 })} data-testid="case-photo" /></a></li>
            ))}
          </ul>
        </section>
      )}

      {escalateLater && <p className="form-note" style={{ margin: '0 14px' }}>{t('myAs.escalateAt', { time: formatDateTime(c.buyerMayEscalateAt) })}</p>}
      {error && !asking && <div className="form-error" role="alert" style={{ margin: 8 }}>{error}</div>}
      {!ended && (canEscalate || canWithdraw) && (
        <div className="checkout-bar as-bar">
          <div className="bar-buttons as-buttons">
            {canWithdraw && <button type="button" className="btn" onClick={() => { setError(null); setAsking('withdraw'); }}>{t('myAs.withdraw')}</button>}
            {canEscalate && <button type="button" className="btn btn-primary" onClick={() => { setError(null); setAsking('escalate'); }} data-testid="escalate">{t('myAs.escalate')}</button>}
          </div>
        </div>
      )}
      {asking && (
        <Sheet title={t(asking === 'escalate' ? 'myAs.escalateAsk' : 'myAs.withdraw')} onClose={() => setAsking(null)} footer={
          <div className="form-buttons">
            <button type="button" className="btn" onClick={() => setAsking(null)}>{t('myAs.back')}</button>
            <button type="button" className="btn btn-primary" onClick={() => void act()} disabled={busy}>{t(asking === 'escalate' ? 'myAs.escalateYes' : 'myAs.withdrawYes')}</button>
          </div>
        }>
          {asking === 'escalate' ? (
            <>
              <p>{t('myAs.escalateHint')}</p>
              <div className="field">
                <label htmlFor="as-esc-note">{t('myAs.escalateNote')}</label>
                <textarea id="as-esc-note" className="as-textarea" rows={3} maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} />
              </div>
            </>
          ) : <p>{t('myAs.withdrawAsk')}</p>}
          {error && <div className="form-error" role="alert">{error}</div>}
        </Sheet>
      )}
    </>
  );
}

/** /me/aftersales/:id */
export function CaseDetailPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const navigate = useNavigate();
  const session = useSession();
  const signedIn = session.status === 'signedIn';
  const { data, error, reload, setData } = useAsync((signal) => (signedIn ? storeAftersalesApi.get(id, signal) : Promise.resolve(null)), [id, signedIn]);
  useEffect(() => { document.title = `${t('myAs.detailTitle')} - ${t('app.name')}`; }, [t]);
  // A refund on its way settles within moments in the sandbox, within days for real: look again a few times.
  const pending = data?.status === 'refunded' && data.refund?.status === 'pending';
  useEffect(() => {
    if (!pending) return;
    const timer = setTimeout(reload, 3000);
    return () => clearTimeout(timer);
  }, [pending, data, reload]);
  if (session.status !== 'loading' && !signedIn) return <Navigate to={signInPath(`/me/aftersales/${id}`)} replace />;
  let body;
  if (error && !data) {
    body = isProblem(error) && error.status === 404
      ? <EmptyState title={t('myAs.notFound')} action={<button type="button" className="btn btn-primary" onClick={() => navigate('/me/aftersales')}>{t('myAs.mine')}</button>} />
      : <ErrorState error={error} onRetry={reload} />;
  } else if (!data) body = <div className="state" role="status">{t('common.loading')}</div>;
  else body = <CaseDetail c={data} setCase={setData} />;
  return (
    <>
      <PageHeader title={t('myAs.detailTitle')} />
      {body}
    </>
  );
}
