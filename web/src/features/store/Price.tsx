import { splitFen } from '../../shared/format';
import { useI18n } from '../../i18n';

/** A buyer-page price: red, small ¥, smaller fen (¥12.80); "起" when the SKUs differ. */
export function Price({ fen, maxFen, big }: { fen: number | null; maxFen?: number | null; big?: boolean }) {
  const { t } = useI18n();
  if (fen === null) return <span className="price-from">{t('store.noPrice')}</span>;
  const p = splitFen(fen);
  return (
    <span className={big ? 'price big' : 'price'} aria-label={`${p.sign}¥${p.yuan}.${p.fen}`}>
      <span className="price-yen">{p.sign}¥</span>
      <span className="price-yuan">{p.yuan}</span>
      <span className="price-fen">.{p.fen}</span>
      {maxFen !== undefined && maxFen !== null && maxFen > fen && <span className="price-from">{t('store.priceFrom')}</span>}
    </span>
  );
}
