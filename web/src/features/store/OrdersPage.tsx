import { useEffect, useState } from 'react';
import { Link, Navigate, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { isProblem } from '../../api/client';
import { checkoutsApi, ordersApi, type Order, type OrderStatus } from '../../api/orders';
import { useI18n } from '../../i18n';
import { formatDateTime } from '../../shared/format';
import { problemText } from '../../shared/problems';
import { useSession } from '../../shared/session';
import { useAsync, useCursorList } from '../../shared/useAsync';
import { mmss, signInPath, statusKey, useSecondsLeft } from './buy';
import { ConfirmCancel, OrderAmounts, startPay } from './PayPage';
import { OrderAftersales } from './aftersales/OrderAftersales';
import { PageHeader } from './PageHeader';
import { Price } from './Price';
import { EmptyState, ErrorState } from './States';

/** 全部 / 待付款 / 待发货 / 待收货 / 已完成 */
export const ORDER_TABS: { key: string; status: OrderStatus | undefined }[] = [
  { key: 'all', status: undefined },
  { key: 'pending_payment', status: 'pending_payment' },
  { key: 'paid', status: 'paid' },
  { key: 'shipped', status: 'shipped' },
  { key: 'completed', status: 'completed' },
];

function OrderCard({ order }: { order: Order }) {
  const { t } = useI18n();
  const count = order.items.reduce((s, i) => s + i.quantity, 0);
  return (
    <li className="order-card" data-testid="order-card">
      <Link to={`/me/orders/${order.id}`} className="order-card-link">
        <div className="order-head">
          <span className="supplier-name">{order.supplierName}</span>
          <span className={`order-status s-${order.status}`}>{t(statusKey(order.status))}</span>
        </div>
        <ul className="order-items">
          {order.items.map((i) => (
            <li key={i.id}><span className="line-title">{i.title}</span><span className="muted"> {i.spec} ×{i.quantity}</span></li>
          ))}
        </ul>
        <div className="order-sum">
          {t('orders.sum', { n: count })} <Price fen={order.totalFen} />
          {order.shippingFen > 0 && <span className="muted"> {t('orders.withShipping')}</span>}
        </div>
      </Link>
      {order.status === 'pending_payment' && (
        <div className="order-actions"><Link to={`/pay/${order.checkoutId}`} className="btn btn-primary">{t('pay.pay')}</Link></div>
      )}
    </li>
  );
}

/** 我的订单 with the status tabs. */
export function OrdersPage() {
  const { t } = useI18n();
  const session = useSession();
  const [params, setParams] = useSearchParams();
  const tab = ORDER_TABS.find((x) => x.key === params.get('status')) ?? ORDER_TABS[0]!;
  const signedIn = session.status === 'signedIn';
  const list = useCursorList((cursor) => (signedIn ? ordersApi.mine({ cursor, limit: 20, status: tab.status }) : Promise.resolve({ items: [], nextCursor: null })), [tab.key, signedIn]);
  useEffect(() => { document.title = `${t('me.orders')} - ${t('app.name')}`; }, [t]);
  if (session.status !== 'loading' && !signedIn) return <Navigate to={signInPath(`/me/orders${tab.status ? `?status=${tab.key}` : ''}`)} replace />;
  return (
    <>
      <PageHeader title={t('me.orders')} />
      <div className="order-tabs" role="tablist" aria-label={t('me.orders')}>
        {ORDER_TABS.map((x) => (
          <button key={x.key} type="button" role="tab" aria-selected={x.key === tab.key} onClick={() => setParams(x.status ? { status: x.key } : {}, { replace: true })}>
            {t(`orders.tab.${x.key}` as 'orders.tab.all')}
          </button>
        ))}
      </div>
      {list.error && !list.items.length ? <ErrorState error={list.error} onRetry={list.reload} />
        : list.loading && !list.items.length ? <div className="state" role="status">{t('common.loading')}</div>
          : list.items.length === 0 ? (
            <EmptyState title={t('orders.empty')} action={<Link to="/" className="btn btn-primary">{t('store.goShopping')}</Link>}>{t('orders.emptyHint')}</EmptyState>
          ) : (
            <ul className="order-list">{list.items.map((o) => <OrderCard key={o.id} order={o} />)}</ul>
          )}
      {list.hasMore && <div className="load-more"><button type="button" className="btn" onClick={list.loadMore} disabled={list.loading}>{t('common.loadMore')}</button></div>}
    </>
  );
}

const STEPS: { status: Exclude<OrderStatus, 'cancelled' | 'closed'>; at: keyof Order }[] = [
  { status: 'pending_payment', at: 'createdAt' },
  { status: 'paid', at: 'paidAt' },
  { status: 'shipped', at: 'shippedAt' },
  { status: 'delivered', at: 'deliveredAt' },
  { status: 'completed', at: 'completedAt' },
];

function Steps({ order }: { order: Order }) {
  const { t } = useI18n();
  const reached = STEPS.findIndex((s) => s.status === order.status);
  return (
    <ol className="steps" aria-label={t('order.progress')}>
      {STEPS.map((s, i) => {
        const at = order[s.at] as string | null;
        return (
          <li key={s.status} className={i < reached ? 'done' : i === reached ? 'current' : ''} aria-current={i === reached ? 'step' : undefined}>
            <span className="dot" aria-hidden="true" />
            <span className="step-name">{t(`order.step.${s.status}`)}</span>
            {at && <span className="step-time">{formatDateTime(at).slice(5)}</span>}
          </li>
        );
      })}
    </ol>
  );
}

function PendingActions({ order, onChanged }: { order: Order; onChanged: () => void }) {
  const { t, lang } = useI18n();
  const checkout = useAsync((signal) => checkoutsApi.get(order.checkoutId, signal), [order.checkoutId]);
  const left = useSecondsLeft(checkout.data?.expiresAt);
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const count = checkout.data?.orders.length ?? 1;
  const pay = async () => {
    setBusy(true);
    setError(null);
    try {
      const url = await startPay(order.checkoutId, lang);
      if (url) window.location.assign(url);
      else { setError(t('pay.openInWechat')); setBusy(false); }
    } catch (err) {
      setError(problemText(err, t));
      setBusy(false);
      if (isProblem(err, 'not_payable')) onChanged();
    }
  };
  const cancel = async () => {
    setBusy(true);
    try {
      await checkoutsApi.cancel(order.checkoutId);
      setAsking(false);
      onChanged();
    } catch (err) {
      setError(problemText(err, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      {checkout.data && <p className="form-note" style={{ margin: '0 14px' }}>{t('pay.countdown')} <span className="countdown">{mmss(left)}</span></p>}
      {count > 1 && <p className="form-note" style={{ margin: '4px 14px' }}>{t('pay.splitNote', { n: count })}</p>}
      {error && <div className="form-error" role="alert" style={{ margin: 8 }}>{error}</div>}
      {asking && <ConfirmCancel count={count} busy={busy} onBack={() => setAsking(false)} onConfirm={() => void cancel()} />}
      <div className="checkout-bar">
        <div className="total"><span>{t('pay.total')}</span> <Price fen={checkout.data?.totalFen ?? order.totalFen} /></div>
        <div className="bar-buttons">
          <button type="button" className="btn" onClick={() => setAsking(true)} disabled={busy}>{t('pay.cancel')}</button>
          <button type="button" className="btn btn-primary" onClick={() => void pay()} disabled={busy || (checkout.data ? left <= 0 : false)}>{t('pay.pay')}</button>
        </div>
      </div>
    </>
  );
}

function OrderDetail({ order, reload }: { order: Order; reload: () => void }) {
  const { t } = useI18n();
  const ended = order.status === 'cancelled' || order.status === 'closed';
  const times: [string, string | null][] = [
    [t('order.createdAt'), order.createdAt], [t('order.paidAt'), order.paidAt], [t('order.shippedAt'), order.shippedAt],
    [t('order.deliveredAt'), order.deliveredAt], [t('order.completedAt'), order.completedAt], [t('order.cancelledAt'), order.cancelledAt],
  ];
  return (
    <>
      <div className={`status-banner s-${order.status}`} role="status">
        <strong data-testid="order-status">{t(statusKey(order.status))}</strong>
        <div className="hint">{t(`order.hint.${order.status}`)}</div>
      </div>
      {!ended && <section className="panel"><Steps order={order} /></section>}
      {(order.carrier || order.trackingNo) && (
        <section className="panel" aria-label={t('order.tracking')}>
          <div className="kv"><span>{t('order.tracking')}</span><span>{order.carrier} {order.trackingNo}</span></div>
        </section>
      )}
      <section className="panel" aria-label={t('checkout.address')}>
        <div className="addr-who"><strong>{order.recipient.name}</strong> <span>{order.recipient.phone}</span></div>
        <div className="addr-where">{order.recipient.address}</div>
      </section>
      <OrderAmounts order={order} />
      <section className="panel">
        <div className="kv strong"><span>{order.status === 'pending_payment' ? t('pay.total') : t('order.paid')}</span><Price fen={order.totalFen} /></div>
        {order.refundedFen > 0 && <div className="kv"><span>{t('order.refunded')}</span><Price fen={order.refundedFen} /></div>}
        <div className="kv"><span>{t('order.no')}</span><span>{order.orderNo}</span></div>
        {times.filter(([, v]) => v).map(([k, v]) => <div key={k} className="kv"><span>{k}</span><span>{formatDateTime(v)}</span></div>)}
        {order.note && <div className="kv"><span>{t('checkout.note')}</span><span>{order.note}</span></div>}
      </section>
      {order.status === 'pending_payment' && <PendingActions order={order} onChanged={reload} />}
      {order.status !== 'pending_payment' && <OrderAftersales order={order} reload={reload} />}
    </>
  );
}

/** 订单详情 */
export function OrderDetailPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const navigate = useNavigate();
  const session = useSession();
  const signedIn = session.status === 'signedIn';
  const { data, error, reload } = useAsync((signal) => (signedIn ? ordersApi.get(id, signal) : Promise.resolve(null)), [id, signedIn]);
  useEffect(() => { document.title = `${t('order.title')} - ${t('app.name')}`; }, [t]);
  if (session.status !== 'loading' && !signedIn) return <Navigate to={signInPath(`/me/orders/${id}`)} replace />;
  let body;
  if (error && !data) {
    body = isProblem(error) && error.status === 404
      ? <EmptyState title={t('order.notFound')} action={<button type="button" className="btn btn-primary" onClick={() => navigate('/me/orders')}>{t('me.orders')}</button>} />
      : <ErrorState error={error} onRetry={reload} />;
  } else if (!data) body = <div className="state" role="status">{t('common.loading')}</div>;
  else body = <OrderDetail order={data} reload={reload} />;
  return (
    <>
      <PageHeader title={t('order.title')} />
      {body}
    </>
  );
}
