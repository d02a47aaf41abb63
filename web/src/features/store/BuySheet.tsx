import { useCallback, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { cartApi } from '../../api/orders';
import type { StoreProduct, StoreSku } from '../../api/types';
import { useI18n } from '../../i18n';
import { formatDay } from '../../shared/format';
import { problemText } from '../../shared/problems';
import { Sheet, Stepper, maxQuantity, saveDraft } from './buy';
import { Price } from './Price';
import { ProductImage } from './ProductCard';
import { useToast } from './Toast';

export type BuyMode = 'cart' | 'buy';

/** 加入购物车 / 立即购买: SKU chips, a quantity within stock and the per-buyer limit, then go. */
export function BuySheet({ product, mode, selected, onSelect, onClose }: {
  product: StoreProduct; mode: BuyMode; selected: StoreSku | undefined; onSelect: (s: StoreSku) => void; onClose: () => void;
}) {
  const { t, lang } = useI18n();
  const toast = useToast();
  const navigate = useNavigate();
  const [quantity, setQuantity] = useState(1);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const close = useCallback(() => onClose(), [onClose]);
  const sku = selected && selected.stockAvailable > 0 ? selected : undefined;
  const max = sku ? maxQuantity(sku.stockAvailable, sku.maxPerBuyer) : 0;
  const qty = Math.min(Math.max(1, quantity), Math.max(1, max));
  const cover = product.images[0] ?? product.coverUrl;

  const pick = (s: StoreSku) => { onSelect(s); setError(null); };
  const confirm = async () => {
    if (!sku) return;
    setError(null);
    if (mode === 'buy') {
      saveDraft({
        fromCart: false,
        lines: [{
          skuId: sku.id, productId: product.id, title: product.title, spec: sku.spec, unit: product.unit, priceFen: sku.priceFen, quantity: qty,
          stockAvailable: sku.stockAvailable, maxPerBuyer: sku.maxPerBuyer, coverUrl: cover, supplierId: product.supplier.id, supplierName: product.supplier.name,
        }],
      });
      navigate('/checkout');
      return;
    }
    setBusy(true);
    try {
      // PUT sets the quantity: add to what is already in the cart, within the same limits.
      const cart = await cartApi.get();
      const already = cart.items.find((i) => i.skuId === sku.id)?.quantity ?? 0;
      await cartApi.set(sku.id, Math.max(1, Math.min(already + qty, max)));
      toast(already + qty > max ? t('buy.addedCapped', { n: max, unit: product.unit }) : t('buy.added'));
      onClose();
    } catch (err) {
      setError(problemText(err, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Sheet
      title={mode === 'cart' ? t('store.addToCart') : t('store.buyNow')}
      onClose={close}
      footer={(
        <>
          {error && <div className="form-error" role="alert">{error}</div>}
          <button type="button" className={mode === 'cart' ? 'btn btn-block btn-orange' : 'btn btn-primary btn-block'} disabled={!sku || busy} onClick={() => void confirm()} data-testid="sheet-confirm">
            {!sku ? t('store.soldOut') : mode === 'cart' ? (busy ? t('buy.adding') : t('store.addToCart')) : t('buy.toCheckout')}
          </button>
        </>
      )}
    >
      <div className="sheet-product">
        <div className="thumb"><ProductImage src={cover} alt={product.title} /></div>
        <div>
          {sku ? <Price fen={sku.priceFen} big /> : <Price fen={product.priceFen} maxFen={product.priceMaxFen} big />}
          <div className="muted">{sku ? t('buy.chosen', { spec: sku.spec }) : t('buy.chooseSku')}</div>
          {sku && <div className="muted">{t('buy.stock', { n: sku.stockAvailable, unit: product.unit })}</div>}
        </div>
      </div>
      <div className="sheet-section">
        <div className="sheet-label" id="sheet-sku">{t('store.sku.label')}</div>
        <div className="sku-chips" role="radiogroup" aria-labelledby="sheet-sku">
          {product.skus.map((s) => (
            <button key={s.id} type="button" role="radio" className="chip" aria-checked={selected?.id === s.id} aria-pressed={selected?.id === s.id}
              disabled={s.stockAvailable <= 0} onClick={() => pick(s)} data-testid="sheet-sku">
              {s.spec}{s.stockAvailable <= 0 ? ` · ${t('store.soldOut')}` : ''}
            </button>
          ))}
        </div>
        {sku?.saleMode === 'presale' && sku.shipsFrom && <div className="presale-note">{t('store.sku.presaleShips', { date: formatDay(sku.shipsFrom, lang) })}</div>}
      </div>
      <div className="sheet-section row">
        <div>
          <div className="sheet-label">{t('buy.quantity')}</div>
          {sku?.maxPerBuyer != null && <div className="hint-red">{t('buy.limit', { n: sku.maxPerBuyer, unit: product.unit })}</div>}
        </div>
        <Stepper value={qty} max={max} onChange={setQuantity} label={t('buy.quantity')} disabled={!sku} />
      </div>
    </Sheet>
  );
}
