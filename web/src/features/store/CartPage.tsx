import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { cartApi, type Cart, type CartItem } from '../../api/orders';
import { useI18n, type Translate } from '../../i18n';
import { problemText } from '../../shared/problems';
import { useSession } from '../../shared/session';
import { useAsync } from '../../shared/useAsync';
import { Stepper, maxQuantity, saveDraft, signInPath } from './buy';
import { Price } from './Price';
import { ProductImage } from './ProductCard';
import { EmptyState, ErrorState } from './States';
import { useToast } from './Toast';

/** Why a line cannot be bought now, in plain words; null when it can. */
export function unavailableReason(item: CartItem, t: Translate): string | null {
  if (item.available) return null;
  if (item.stockAvailable <= 0) return t('cart.reason.soldOut');
  if (item.stockAvailable < item.quantity) return t('cart.reason.fewLeft', { n: item.stockAvailable, unit: item.unit });
  return t('cart.reason.offSale');
}

export function groupBySupplier<T extends { supplierId: string; supplierName: string }>(items: T[]): { supplierId: string; supplierName: string; items: T[] }[] {
  const groups = new Map<string, { supplierId: string; supplierName: string; items: T[] }>();
  for (const i of items) {
    const g = groups.get(i.supplierId) ?? { supplierId: i.supplierId, supplierName: i.supplierName, items: [] };
    g.items.push(i);
    groups.set(i.supplierId, g);
  }
  return [...groups.values()];
}

function CartLine({ item, busy, onQuantity, onRemove }: { item: CartItem; busy: boolean; onQuantity: (n: number) => void; onRemove: () => void }) {
  const { t } = useI18n();
  const reason = unavailableReason(item, t);
  // A line with too few left can still be fixed by lowering the quantity.
  const fixable = !item.available && item.stockAvailable > 0 && item.stockAvailable < item.quantity;
  const max = Math.max(item.quantity, maxQuantity(item.stockAvailable, item.maxPerBuyer));
  return (
    <li className={item.available ? 'line' : 'line unavailable'} data-testid="cart-line">
      <Link to={`/p/${item.productId}`} className="thumb"><ProductImage src={item.coverUrl} alt={item.title} /></Link>
      <div className="line-body">
        <Link to={`/p/${item.productId}`} className="line-title">{item.title}</Link>
        <div className="line-spec">{item.spec}</div>
        {reason && (
          <div className="line-reason" role="note">
            {reason}
            {fixable && <button type="button" className="link-btn" onClick={() => onQuantity(item.stockAvailable)} disabled={busy}>{t('buy.changeTo', { n: item.stockAvailable, unit: item.unit })}</button>}
          </div>
        )}
        <div className="line-foot">
          <Price fen={item.priceFen} />
          {(item.available || fixable) && (
            <Stepper value={item.quantity} max={fixable ? item.quantity : max} onChange={onQuantity} label={t('cart.quantityOf', { title: item.title })} disabled={busy} />
          )}
        </div>
        <button type="button" className="link-btn" onClick={onRemove} disabled={busy}>{t('cart.remove')}</button>
      </div>
    </li>
  );
}

function CartView({ cart, setCart }: { cart: Cart; setCart: (c: Cart) => void }) {
  const { t } = useI18n();
  const toast = useToast();
  const navigate = useNavigate();
  const [busy, setBusy] = useState<string | null>(null);
  const run = async (skuId: string, action: () => Promise<Cart>) => {
    setBusy(skuId);
    try {
      setCart(await action());
    } catch (err) {
      toast(problemText(err, t));
    } finally {
      setBusy(null);
    }
  };
  const ready = cart.items.filter((i) => i.available);
  const count = ready.reduce((s, i) => s + i.quantity, 0);
  const checkout = () => {
    saveDraft({ fromCart: true, lines: ready.map(({ available: _a, ...line }) => line) });
    navigate('/checkout');
  };
  return (
    <>
      {groupBySupplier(cart.items).map((g) => (
        <section key={g.supplierId} className="panel supplier-group" aria-label={g.supplierName}>
          <h2 className="supplier-name">{g.supplierName}</h2>
          <ul className="lines">
            {g.items.map((item) => (
              <CartLine key={item.skuId} item={item} busy={busy === item.skuId}
                onQuantity={(n) => void run(item.skuId, () => cartApi.set(item.skuId, n))}
                onRemove={() => void run(item.skuId, () => cartApi.remove(item.skuId))} />
            ))}
          </ul>
        </section>
      ))}
      {ready.length < cart.items.length && <p className="form-note" style={{ padding: '0 14px' }}>{t('cart.unavailableNote')}</p>}
      <div className="checkout-bar above-tabbar">
        <div className="total">
          <span>{t('cart.total')}</span> <Price fen={cart.totalFen} />
          <div className="hint">{t('cart.shippingLater')}</div>
        </div>
        <button type="button" className="btn btn-primary" disabled={ready.length === 0} onClick={checkout} data-testid="cart-checkout">
          {t('cart.checkout', { n: count })}
        </button>
      </div>
    </>
  );
}

/** 购物车: lines by supplier, steppers, unavailable lines greyed with the reason, 去结算. */
export function CartPage() {
  const { t } = useI18n();
  const session = useSession();
  const signedIn = session.status === 'signedIn';
  const { data, error, loading, reload, setData } = useAsync(() => (signedIn ? cartApi.get() : Promise.resolve(null)), [signedIn]);
  let body;
  if (session.status === 'loading') body = <div className="state" role="status">{t('common.loading')}</div>;
  else if (!signedIn) {
    body = <EmptyState title={t('cart.signInTitle')} action={<Link to={signInPath('/cart')} className="btn btn-primary">{t('cart.signIn')}</Link>}>{t('cart.signInHint')}</EmptyState>;
  } else if (error) body = <ErrorState error={error} onRetry={reload} />;
  else if (loading && !data) body = <div className="state" role="status">{t('common.loading')}</div>;
  else if (!data || data.items.length === 0) {
    body = <EmptyState title={t('cart.emptyTitle')} action={<Link to="/" className="btn btn-primary">{t('store.goShopping')}</Link>}>{t('cart.emptyHint')}</EmptyState>;
  } else body = <CartView cart={data} setCart={setData} />;
  return (
    <>
      <header className="store-header"><h1 className="page-title">{t('store.tab.cart')}</h1></header>
      {body}
    </>
  );
}
