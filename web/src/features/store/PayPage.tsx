import { useEffect, useState } from 'react';
import { Link, Navigate, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { isProblem } from '../../api/client';
import { checkoutsApi, newIdempotencyKey, type Checkout, type Order } from '../../api/orders';
import { useI18n } from '../../i18n';
import { problemText } from '../../shared/problems';
import { useSession } from '../../shared/session';
import { useAsync } from '../../shared/useAsync';
import { mmss, payKeyFor, signInPath, useSecondsLeft } from './buy';
import { PageHeader } from './PageHeader';
import { Price } from './Price';
import { EmptyState, ErrorState } from './States';
import { useToast } from './Toast';

/** One supplier's order: its lines, its shipping fee and its total, all as the server priced them. */
export function OrderAmounts({ order }: { order: Order }) {
  const { t } = useI18n();
  return (
    <section className="panel supplier-group" aria-label={order.supplierName}>
      <h2 className="supplier-name">{order.supplierName}</h2>
      <ul className="lines compact">
        {order.items.map((i) => (
          <li key={i.id} className="line">
            <div className="line-body">
              <Link to={`/p/${i.productId}`} className="line-title">{i.title}</Link>
              <div className="line-spec">{i.spec}</div>
              <div className="line-foot"><Price fen={i.unitPriceFen} /><span className="muted">×{i.quantity}</span></div>
            </div>
          </li>
        ))}
      </ul>
      <div className="kv"><span>{t('order.itemsFen')}</span><Price fen={order.itemsFen} /></div>
      <div className="kv"><span>{t('checkout.shipping')}</span>{order.shippingFen === 0 ? <span className="tag tag-green">{t('order.freeShipping')}</span> : <Price fen={order.shippingFen} />}</div>
      <div className="kv strong"><span>{t('order.subtotal')}</span><Price fen={order.totalFen} /></div>
    </section>
  );
}

/** Sends the buyer where they can see what they bought: the order, or the list when there are several. */
export function orderPathAfterPay(c: Checkout): string {
  return c.orders.length === 1 && c.orders[0] ? `/me/orders/${c.orders[0].id}` : '/me/orders?status=paid';
}

/** Start paying and go to the provider's page; the sandbox brings the buyer back to `returnTo`. */
export async function startPay(checkoutId: string, lang: string): Promise<string | null> {
  const start = await checkoutsApi.pay(checkoutId, payKeyFor(checkoutId, newIdempotencyKey));
  if (start.kind !== 'hosted_page') return null;
  const returnTo = `/pay/${encodeURIComponent(checkoutId)}?returned=1`;
  const sep = start.url.includes('?') ? '&' : '?';
  return `${start.url}${sep}returnTo=${encodeURIComponent(returnTo)}&lang=${lang === 'en' ? 'en' : 'zh'}`;
}

export function ConfirmCancel({ count, onConfirm, onBack, busy }: { count: number; onConfirm: () => void; onBack: () => void; busy: boolean }) {
  const { t } = useI18n();
  return (
    <div className="confirm-box" role="alertdialog" aria-labelledby="cancel-q">
      <p id="cancel-q">{count > 1 ? t('pay.cancelAskMany', { n: count }) : t('pay.cancelAsk')}</p>
      <div className="form-buttons">
        <button type="button" className="btn" onClick={onBack}>{t('pay.keep')}</button>
        <button type="button" className="btn btn-primary" onClick={onConfirm} disabled={busy}>{t('pay.cancelYes')}</button>
      </div>
    </div>
  );
}

function PayView({ checkout, reload, setCheckout, returned }: { checkout: Checkout; reload: () => void; setCheckout: (c: Checkout) => void; returned: boolean }) {
  const { t, lang } = useI18n();
  const navigate = useNavigate();
  const toast = useToast();
  const left = useSecondsLeft(checkout.status === 'pending_payment' ? checkout.expiresAt : null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [asking, setAsking] = useState(false);
  const [waited, setWaited] = useState(0);
  const pending = checkout.status === 'pending_payment';
  const expired = pending && left <= 0;

  // Back from the pay page: the provider's notice may take a moment; ask again for a while.
  useEffect(() => {
    if (!returned || !pending || waited >= 20) return;
    const timer = setTimeout(() => { setWaited((w) => w + 1); reload(); }, 1000);
    return () => clearTimeout(timer);
  }, [returned, pending, waited, reload, checkout]);
  useEffect(() => {
    if (checkout.status === 'paid') {
      toast(t('pay.success'));
      navigate(orderPathAfterPay(checkout), { replace: true });
    }
  }, [checkout, navigate, toast, t]);

  const pay = async () => {
    setBusy(true);
    setError(null);
    try {
      const url = await startPay(checkout.id, lang);
      if (url) window.location.assign(url);
      else { setError(t('pay.openInWechat')); setBusy(false); }
    } catch (err) {
      setError(problemText(err, t));
      setBusy(false);
      if (isProblem(err, 'not_payable')) reload();
    }
  };
  const cancel = async () => {
    setBusy(true);
    setError(null);
    try {
      setCheckout(await checkoutsApi.cancel(checkout.id));
      setAsking(false);
    } catch (err) {
      setError(problemText(err, t));
      reload();
    } finally {
      setBusy(false);
    }
  };

  const first = checkout.orders[0];
  return (
    <>
      <div className={pending && !expired ? 'pay-banner' : 'pay-banner done'} role="status">
        {checkout.status === 'paid' && <strong>{t('pay.success')}</strong>}
        {checkout.status === 'cancelled' && <strong>{t('pay.cancelled')}</strong>}
        {expired && <strong>{t('pay.expired')}</strong>}
        {pending && !expired && (
          <>
            <strong>{returned && waited < 20 ? t('pay.confirming') : t('pay.waiting')}</strong>
            <div>{t('pay.countdown')} <span className="countdown" data-testid="countdown">{mmss(left)}</span></div>
            <div className="hint">{t('pay.countdownHint')}</div>
          </>
        )}
      </div>
      {first && (
        <section className="panel">
          <div className="addr-who"><strong>{first.recipient.name}</strong> <span>{first.recipient.phone}</span></div>
          <div className="addr-where">{first.recipient.address}</div>
        </section>
      )}
      {checkout.orders.map((o) => <OrderAmounts key={o.id} order={o} />)}
      <section className="panel">
        <div className="kv"><span>{t('pay.paymentNo')}</span><span>{checkout.paymentNo}</span></div>
        {checkout.orders.length > 1 && <p className="form-note" style={{ margin: '6px 0 0' }}>{t('pay.splitNote', { n: checkout.orders.length })}</p>}
      </section>
      {error && <div className="form-error" role="alert" style={{ margin: 8 }}>{error}</div>}
      {asking && <ConfirmCancel count={checkout.orders.length} busy={busy} onBack={() => setAsking(false)} onConfirm={() => void cancel()} />}
      <div className="checkout-bar">
        <div className="total">
          <span>{t('pay.total')}</span> <span data-testid="pay-total"><Price fen={checkout.totalFen} big /></span>
        </div>
        {pending && !expired ? (
          <div className="bar-buttons">
            <button type="button" className="btn" onClick={() => setAsking(true)} disabled={busy}>{t('pay.cancel')}</button>
            <button type="button" className="btn btn-primary" onClick={() => void pay()} disabled={busy} data-testid="pay">{busy ? t('pay.opening') : t('pay.pay')}</button>
          </div>
        ) : (
          <Link to="/me/orders" className="btn btn-primary">{t('me.orders')}</Link>
        )}
      </div>
    </>
  );
}

/** 收银台: the server's totals per supplier, the time left to pay, 去支付 and 取消订单. */
export function PayPage() {
  const { id = '' } = useParams();
  const [params] = useSearchParams();
  const { t } = useI18n();
  const session = useSession();
  const signedIn = session.status === 'signedIn';
  const { data, error, reload, setData } = useAsync((signal) => (signedIn ? checkoutsApi.get(id, signal) : Promise.resolve(null)), [id, signedIn]);
  useEffect(() => { document.title = `${t('pay.title')} - ${t('app.name')}`; }, [t]);
  let body;
  if (session.status === 'loading') body = <div className="state" role="status">{t('common.loading')}</div>;
  else if (!signedIn) return <Navigate to={signInPath(`/pay/${id}`)} replace />;
  else if (error && !data) {
    body = isProblem(error) && error.status === 404
      ? <EmptyState title={t('pay.notFound')} action={<Link to="/me/orders" className="btn btn-primary">{t('me.orders')}</Link>} />
      : <ErrorState error={error} onRetry={reload} />;
  } else if (!data) body = <div className="state" role="status">{t('common.loading')}</div>;
  else body = <PayView checkout={data} reload={reload} setCheckout={setData} returned={params.get('returned') === '1'} />;
  return (
    <>
      <PageHeader title={t('pay.title')} />
      {body}
    </>
  );
}
