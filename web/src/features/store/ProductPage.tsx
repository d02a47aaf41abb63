import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { storeApi } from '../../api/catalog';
import { isProblem } from '../../api/client';
import type { StoreProduct, StoreSku } from '../../api/types';
import { useI18n } from '../../i18n';
import { formatCount, formatDay } from '../../shared/format';
import { useAsync } from '../../shared/useAsync';
import { IconBack, IconCart, IconHome } from './icons';
import { Price } from './Price';
import { ProductImage } from './ProductCard';
import { BatchSection, LicenceSection, ReturnsSection, SupplierSection } from './ProductSections';
import { EmptyState, ErrorState } from './States';
import { signInPath } from './buy';
import { BuySheet, type BuyMode } from './BuySheet';
import { useSession } from '../../shared/session';

function Gallery({ product }: { product: StoreProduct }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const images = product.images.length ? product.images : product.coverUrl ? [product.coverUrl] : [];
  const [index, setIndex] = useState(0);
  const back = () => ((window.history.state as { idx?: number } | null)?.idx ? navigate(-1) : navigate('/'));
  return (
    <div className="gallery">
      <div
        className="gallery-track"
        onScroll={(e) => setIndex(Math.round(e.currentTarget.scrollLeft / Math.max(1, e.currentTarget.clientWidth)))}
      >
        {images.length === 0 ? <ProductImage src={null} alt={product.title} /> : images.map((src, i) => (
          <img key={src} src={src} alt={i === 0 ? product.title : t('store.imageN', { n: i + 1 })} loading={i === 0 ? 'eager' : 'lazy'} />
        ))}
      </div>
      {images.length > 1 && <span className="gallery-count">{index + 1}/{images.length}</span>}
      <button type="button" className="float-back" onClick={back} aria-label={t('common.back')}><IconBack /></button>
    </div>
  );
}

function SkuPicker({ skus, selected, onSelect, unit }: { skus: StoreSku[]; selected: StoreSku | undefined; onSelect: (s: StoreSku) => void; unit: string }) {
  const { t, lang } = useI18n();
  return (
    <div className="info-row">
      <span className="label" id="sku-label">{t('store.sku.label')}</span>
      <div className="value">
        <div className="sku-chips" role="radiogroup" aria-labelledby="sku-label">
          {skus.map((s) => (
            <button
              key={s.id} type="button" role="radio" className="chip" aria-checked={selected?.id === s.id} aria-pressed={selected?.id === s.id}
              disabled={s.stockAvailable <= 0} onClick={() => onSelect(s)} data-testid="sku-chip"
            >
              {s.spec}{s.stockAvailable <= 0 ? ` · ${t('store.soldOut')}` : ''}
            </button>
          ))}
        </div>
        {selected?.saleMode === 'presale' && selected.shipsFrom && (
          <div className="presale-note">{t('store.sku.presaleShips', { date: formatDay(selected.shipsFrom, lang) })}</div>
        )}
        {selected && selected.stockAvailable > 0 && selected.stockAvailable < 10 && (
          <div className="low-stock">{t('store.sku.lowStock', { count: selected.stockAvailable, unit })}</div>
        )}
      </div>
    </div>
  );
}

function BuyBar({ disabled, onOpen }: { disabled: boolean; onOpen: (mode: BuyMode) => void }) {
  const { t } = useI18n();
  return (
    <div className="buybar">
      <Link to="/" className="icon-link"><IconHome size={20} />{t('store.tab.home')}</Link>
      <Link to="/cart" className="icon-link"><IconCart size={20} />{t('store.tab.cart')}</Link>
      <div className="buttons">
        <button type="button" className="add-cart" onClick={() => onOpen('cart')} disabled={disabled}>{t('store.addToCart')}</button>
        <button type="button" className="buy-now" onClick={() => onOpen('buy')} disabled={disabled}>{disabled ? t('store.soldOut') : t('store.buyNow')}</button>
      </div>
    </div>
  );
}

function ProductView({ product }: { product: StoreProduct }) {
  const { t, lang } = useI18n();
  const firstAvailable = product.skus.find((s) => s.stockAvailable > 0) ?? product.skus[0];
  const [selected, setSelected] = useState<StoreSku | undefined>(firstAvailable);
  useEffect(() => { document.title = `${product.title} - ${t('app.name')}`; }, [product.title, t]);
  const soldOut = product.skus.every((s) => s.stockAvailable <= 0);
  const session = useSession();
  const navigate = useNavigate();
  const [sheet, setSheet] = useState<BuyMode | null>(null);
  const open = (mode: BuyMode) => {
    if (session.status !== 'signedIn') navigate(signInPath(`/p/${product.id}`));
    else setSheet(mode);
  };
  return (
    <>
      <Gallery product={product} />
      <div className="price-band">
        {selected ? <Price fen={selected.priceFen} big /> : <Price fen={product.priceFen} maxFen={product.priceMaxFen} big />}
        <span className="sold">{t('store.sold', { count: formatCount(product.soldCount, lang) })}</span>
      </div>
      <div className="title-block">
        <h1>
          {product.hasPresale && <span className="tag tag-presale">{t('store.presale')}</span>}
          {product.title}
        </h1>
        {product.subtitle && <p className="subtitle">{product.subtitle}</p>}
      </div>
      <section className="panel" aria-label={t('store.sku.label')}>
        {product.skus.length > 0 && <SkuPicker skus={product.skus} selected={selected} onSelect={setSelected} unit={product.unit} />}
        <div className="info-row">
          <span className="label">{t('store.origin')}</span>
          <span className="value">{product.originName || product.supplier.villageName}</span>
        </div>
        <div className="info-row">
          <span className="label">{t('store.category')}</span>
          <span className="value">{product.categoryName}</span>
        </div>
      </section>
      <BatchSection batches={product.batches} />
      <LicenceSection licences={product.licences} />
      <SupplierSection supplier={product.supplier} />
      {product.description && (
        <section className="panel" aria-labelledby="desc-h">
          <h2 id="desc-h">{t('store.description')}</h2>
          <p className="description">{product.description}</p>
        </section>
      )}
      <ReturnsSection policy={product.returnsPolicy} />
      <BuyBar disabled={soldOut} onOpen={open} />
      {sheet && <BuySheet product={product} mode={sheet} selected={selected} onSelect={setSelected} onClose={() => setSheet(null)} />}
    </>
  );
}

/** /p/:id — the product page buyers land on from a share card or the grid. */
export function ProductPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const { data, error, loading, reload } = useAsync(() => storeApi.get(id), [id]);
  useEffect(() => { window.scrollTo(0, 0); }, [id]);
  if (error) {
    if (isProblem(error) && error.status === 404) {
      return <EmptyState title={t('store.productGone')} action={<Link to="/" className="btn btn-primary">{t('store.backHome')}</Link>} />;
    }
    return <ErrorState error={error} onRetry={reload} />;
  }
  if (loading || !data) {
    return (
      <div aria-busy="true" aria-label={t('common.loading')}>
        <div className="skeleton" style={{ aspectRatio: '1 / 1', borderRadius: 0 }} />
        <div className="panel"><div className="skeleton" style={{ height: 28, width: '40%' }} /><div className="skeleton" style={{ height: 18, marginTop: 10 }} /></div>
      </div>
    );
  }
  return <ProductView key={data.id} product={data} />;
}
