import { useEffect, useRef, useState } from 'react';
import { addressesApi, checkoutsApi, newIdempotencyKey, type Address } from '../../api/orders';
import { liveRoomApi, type FlashSale, type RoomItem } from '../../api/liveRoom';
import { isProblem } from '../../api/client';
import { useI18n } from '../../i18n';
import { problemText } from '../../shared/problems';
import { AddressSheet, AddressText } from '../store/Addresses';
import { Sheet, Stepper, maxQuantity, payKeyFor } from '../store/buy';
import { Price } from '../store/Price';
import { ProductImage } from '../store/ProductCard';
import { useUntil } from './RoomFeed';

/** Starts paying and goes to the provider's page; the sandbox brings the buyer back into the room. */
async function payAndLeave(checkoutId: string, sessionId: string, lang: string): Promise<string | null> {
  const start = await checkoutsApi.pay(checkoutId, payKeyFor(checkoutId, newIdempotencyKey));
  if (start.kind !== 'hosted_page') return null;
  const returnTo = `/live/${encodeURIComponent(sessionId)}?paid=${encodeURIComponent(checkoutId)}`;
  const sep = start.url.includes('?') ? '&' : '?';
  return `${start.url}${sep}returnTo=${encodeURIComponent(returnTo)}&lang=${lang === 'en' ? 'en' : 'zh'}`;
}

/**
 * The half-height buy sheet over the video: the item at its live (or flash) price, quantity within
 * stock and limit, the delivery address (default first; add one without leaving), then order and pay.
 * One Idempotency-Key per intended order, kept across retries of the same tap.
 */
export function RoomBuySheet({ sessionId, item, sale, offsetMs, onClose }: {
  sessionId: string; item: RoomItem; sale: FlashSale | null; offsetMs: number; onClose: () => void;
}) {
  const { t, lang } = useI18n();
  const [addresses, setAddresses] = useState<Address[] | null>(null);
  const [addressId, setAddressId] = useState<string | undefined>();
  const [picking, setPicking] = useState(false);
  const [quantity, setQuantity] = useState(1);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const attempt = useRef<{ key: string; body: string } | null>(null);
  const untilOpen = useUntil(sale?.startsAt ?? null, offsetMs);
  const flashOpen = !!sale && sale.status !== 'closed' && untilOpen <= 0;

  useEffect(() => {
    addressesApi.list().then((r) => {
      setAddresses(r.items);
      setAddressId((cur) => cur ?? (r.items.find((a) => a.isDefault) ?? r.items[0])?.id);
    }).catch((err) => setError(problemText(err, t)));
  }, [t]);

  const stock = sale ? sale.stockLeft : item.stockLeft;
  const max = maxQuantity(stock, sale ? sale.perBuyerLimit : null);
  const qty = Math.min(Math.max(1, quantity), Math.max(1, max));
  const unitFen = sale ? sale.priceFen : item.livePriceFen;
  const address = addresses?.find((a) => a.id === addressId);

  const submit = async () => {
    if (!address) { setPicking(true); return; }
    setBusy(true);
    setError(null);
    const body = { itemId: item.itemId, quantity: qty, addressId: address.id, ...(sale ? { flashSaleId: sale.saleId } : {}) };
    const json = JSON.stringify(body);
    if (!attempt.current || attempt.current.body !== json) attempt.current = { key: newIdempotencyKey(), body: json };
    try {
      const checkout = await liveRoomApi.buy(sessionId, body, attempt.current.key);
      const url = await payAndLeave(checkout.id, sessionId, lang);
      if (url) window.location.assign(url);
      else window.location.assign(`/pay/${encodeURIComponent(checkout.id)}`);
    } catch (err) {
      setBusy(false);
      // A refused order can be tried again as a new one (less quantity, after the countdown…).
      if (isProblem(err) && err.status < 500) attempt.current = null;
      setError(problemText(err, t));
    }
  };

  if (picking && addresses) {
    return (
      <AddressSheet addresses={addresses} selectedId={addressId} startAdding={addresses.length === 0}
        onPick={(a) => { setAddressId(a.id); setPicking(false); }}
        onAdded={(a) => { setAddresses([...addresses, a]); setAddressId(a.id); setPicking(false); }}
        onClose={() => setPicking(false)} />
    );
  }

  const waiting = !!sale && !flashOpen;
  return (
    <Sheet
      title={sale ? t('room.flash.title') : t('room.buy.title')}
      onClose={onClose}
      footer={(
        <>
          {error && <div className="form-error" role="alert">{error}</div>}
          <button type="button" className="btn btn-primary btn-block" disabled={busy || stock <= 0 || waiting} onClick={() => void submit()} data-testid="room-pay">
            {stock <= 0 ? t('room.soldOut') : waiting ? t('room.flash.wait') : busy ? t('room.buy.paying') : t('room.buy.pay')}
          </button>
        </>
      )}
    >
      <div className="sheet-product">
        <div className="thumb"><ProductImage src={item.imageUrl} alt={item.title} /></div>
        <div>
          <div className="room-sheet-title">{t('room.code', { n: item.roomCode })} {item.title}</div>
          <div className="muted">{item.spec}</div>
          <div><span className="room-live-label">{sale ? t('room.buy.flashPrice') : t('room.livePrice')}</span> <Price fen={unitFen} big />
            {item.listPriceFen > unitFen && <s className="muted"> ¥{(item.listPriceFen / 100).toFixed(2)}</s>}</div>
          <div className="hint-red">{stock > 0 ? t('room.stockLeft', { n: stock, unit: item.unit }) : t('room.soldOut')}</div>
          {sale && <div className="muted">{t('room.flash.limit', { n: sale.perBuyerLimit })}</div>}
        </div>
      </div>
      <div className="sheet-section row">
        <div className="sheet-label">{t('room.buy.quantity')}</div>
        <Stepper value={qty} max={max} onChange={setQuantity} label={t('room.buy.quantity')} disabled={stock <= 0} />
      </div>
      <div className="sheet-section">
        <div className="sheet-label">{t('room.buy.address')}</div>
        {addresses === null ? <div className="muted">…</div> : (
          <button type="button" className="room-address" onClick={() => setPicking(true)} data-testid="room-address">
            {address ? <AddressText address={address} /> : <span>{t('room.buy.addAddress')}</span>}
            <span aria-hidden="true">›</span>
          </button>
        )}
      </div>
      <div className="sheet-section">
        <div className="kv"><span>{t('room.buy.itemsTotal')}</span><Price fen={unitFen * qty} /></div>
        <div className="muted room-small">{t('room.buy.shippingNote')}</div>
      </div>
    </Sheet>
  );
}
