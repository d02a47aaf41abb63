import { Link } from 'react-router-dom';
import type { ProductCard as Card } from '../../api/types';
import { useI18n } from '../../i18n';
import { formatCount } from '../../shared/format';
import { Price } from './Price';

export function ProductImage({ src, alt }: { src: string | null; alt: string }) {
  if (!src) return <div className="img-placeholder" role="img" aria-label={alt}>{[...alt][0] ?? ''}</div>;
  return <img src={src} alt={alt} loading="lazy" decoding="async" />;
}

/** Photo, two-line title, red price, 已售 count, pre-sale tag. */
export function ProductCard({ product }: { product: Card }) {
  const { t, lang } = useI18n();
  const soldOut = product.stockTotal <= 0;
  return (
    <Link to={`/p/${product.id}`} className="card" data-testid="product-card">
      <div className="card-img">
        <ProductImage src={product.coverUrl} alt={product.title} />
        {soldOut && <div className="soldout">{t('store.soldOut')}</div>}
      </div>
      <div className="card-body">
        <h3 className="card-title">
          {product.hasPresale && <span className="tag tag-presale">{t('store.presale')}</span>}
          {product.title}
        </h3>
        <div className="card-origin">{product.originName}</div>
        <div className="card-foot">
          <Price fen={product.priceFen} maxFen={product.priceMaxFen} />
          <span className="card-sold">{t('store.sold', { count: formatCount(product.soldCount, lang) })}</span>
        </div>
      </div>
    </Link>
  );
}
