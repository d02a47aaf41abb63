/**
 * The after-sales part of 订单详情: the cases on this order with their status and refunded
 * amount, and the bottom bar — 取消订单并退款 (paid, not shipped), 确认收货 (shipped or
 * delivered), 申请售后 (delivered or completed; shipped ones for "not arrived").
 */
import { useState } from 'react';
import { Link } from 'react-router-dom';
import type { Order } from '../../../api/orders';
import { OPEN_CASE_STATUSES, storeAftersalesApi, storeOrderActionsApi, type AftersalesCase } from '../../../api/storeAftersales';
import { useI18n } from '../../../i18n';
import { formatFen } from '../../../shared/format';
import { problemText } from '../../../shared/problems';
import { useAsync } from '../../../shared/useAsync';
import { Sheet } from '../buy';
import { Price } from '../Price';
import { useToast } from '../Toast';
import './aftersales.css';

export function caseStatusKey(c: Pick<AftersalesCase, 'status'>) {
  return `myAs.status.${c.status}` as const;
}

/** The cases of one order, newest first. */
export function useOrderCases(orderId: string) {
  return useAsync((signal) => storeAftersalesApi.mine({ orderId, limit: 50 }, signal), [orderId]);
}

function CaseRow({ c }: { c: AftersalesCase }) {
  const { t } = useI18n();
  const amount = c.refund?.amountFen ?? c.approvedFen ?? c.requestedFen;
  return (
    <li>
      <Link to={`/me/aftersales/${c.id}`} className="case-row" data-testid="order-case">
        <span className="case-row-main">
          <span className="case-kind">{t(`myAs.kind.${c.kind}`)}</span>
          <span className={`case-status cs-${c.status}`}>{t(caseStatusKey(c))}</span>
        </span>
        <span className="case-row-side"><Price fen={amount} /> ›</span>
      </Link>
    </li>
  );
}

export function OrderAftersales({ order, reload }: { order: Order; reload: () => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const cases = useOrderCases(order.id);
  const [asking, setAsking] = useState<'confirm' | 'cancel' | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const list = cases.data?.items ?? [];
  const open = list.find((c) => OPEN_CASE_STATUSES.includes(c.status));
  const left = order.totalFen - order.refundedFen;

  const act = async () => {
    setBusy(true);
    setError(null);
    try {
      if (asking === 'confirm') {
        await storeOrderActionsApi.confirmReceipt(order.id);
        toast(t('myAs.confirmDone'));
      } else if (asking === 'cancel') {
        const c = await storeOrderActionsApi.cancelPaid(order.id, reason.trim() || undefined);
        toast(t('myAs.cancelDone', { amount: formatFen(c.refund?.amountFen ?? c.approvedFen ?? left) }));
      }
      setAsking(null);
      reload();
      cases.reload();
    } catch (err) {
      setError(problemText(err, t));
    } finally {
      setBusy(false);
    }
  };

  const canCancel = order.status === 'paid' && !open && left > 0;
  const canConfirm = order.status === 'shipped' || order.status === 'delivered';
  const canApply = ['shipped', 'delivered', 'completed'].includes(order.status) && !open && left > 0;
  const applyLabel = order.status === 'shipped' ? t('myAs.applyNotArrived') : t('myAs.apply');
  const buttons = [
    canCancel && <button key="cancel" type="button" className="btn" onClick={() => { setError(null); setAsking('cancel'); }} data-testid="cancel-refund">{t('myAs.cancelRefund')}</button>,
    canApply && <Link key="apply" to={`/me/orders/${order.id}/aftersales`} className="btn" data-testid="apply-aftersales">{applyLabel}</Link>,
    open && <Link key="view" to={`/me/aftersales/${open.id}`} className="btn">{t('myAs.viewCase')}</Link>,
    canConfirm && <button key="confirm" type="button" className="btn btn-primary" onClick={() => { setError(null); setAsking('confirm'); }} data-testid="confirm-receipt">{t('myAs.confirmReceipt')}</button>,
  ].filter(Boolean);

  return (
    <>
      {list.length > 0 && (
        <section className="panel" aria-labelledby="order-cases-h">
          <div className="panel-head">
            <h2 id="order-cases-h">{t('myAs.casesOfOrder')}</h2>
            {order.refundedFen > 0 && <span data-testid="order-refunded">{t('myAs.refundedTotal')} <Price fen={order.refundedFen} /></span>}
          </div>
          <ul className="case-rows">{list.map((c) => <CaseRow key={c.id} c={c} />)}</ul>
          {order.refundedFen > 0 && <p className="muted" style={{ margin: '6px 0 0' }}>{t('myAs.refundWay')}</p>}
        </section>
      )}
      {error && !asking && <div className="form-error" role="alert" style={{ margin: 8 }}>{error}</div>}
      {buttons.length > 0 && (
        <div className="checkout-bar as-bar">
          <div className="bar-buttons as-buttons">{buttons}</div>
        </div>
      )}
      {asking === 'confirm' && (
        <Sheet title={t('myAs.confirmAsk')} onClose={() => setAsking(null)} footer={
          <div className="form-buttons">
            <button type="button" className="btn" onClick={() => setAsking(null)}>{t('myAs.back')}</button>
            <button type="button" className="btn btn-primary" onClick={() => void act()} disabled={busy} data-testid="confirm-yes">{t('myAs.confirmYes')}</button>
          </div>
        }>
          <p>{t('myAs.confirmHint')}</p>
          {error && <div className="form-error" role="alert">{error}</div>}
        </Sheet>
      )}
      {asking === 'cancel' && (
        <Sheet title={t('myAs.cancelAsk')} onClose={() => setAsking(null)} footer={
          <div className="form-buttons">
            <button type="button" className="btn" onClick={() => setAsking(null)}>{t('myAs.keep')}</button>
            <button type="button" className="btn btn-primary" onClick={() => void act()} disabled={busy} data-testid="cancel-yes">{t('myAs.cancelYes')}</button>
          </div>
        }>
          <p data-testid="cancel-hint">{t('myAs.cancelHint', { amount: formatFen(left) })}</p>
          <div className="field">
            <label htmlFor="cancel-reason">{t('myAs.cancelReason')}</label>
            <input id="cancel-reason" value={reason} maxLength={200} onChange={(e) => setReason(e.target.value)} />
          </div>
          {error && <div className="form-error" role="alert">{error}</div>}
        </Sheet>
      )}
      {/* A case opened elsewhere (another tab) shows up on the next visit; nothing to poll here. */}
      {cases.error != null && !cases.data && <div className="muted" style={{ margin: 8 }}>{problemText(cases.error, t)} <button type="button" className="link-btn" onClick={cases.reload}>{t('common.retry')}</button></div>}
    </>
  );
}
