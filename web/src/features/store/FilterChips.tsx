import { useI18n } from '../../i18n';

export interface StockFilters {
  inStock: boolean;
  preSale: boolean;
}

/** 有货 / 预售 toggles above a result list. */
export function FilterChips({ value, onChange }: { value: StockFilters; onChange: (v: StockFilters) => void }) {
  const { t } = useI18n();
  return (
    <div className="chips" role="group" aria-label={t('store.filters')}>
      <button type="button" className="chip" aria-pressed={value.inStock} onClick={() => onChange({ ...value, inStock: !value.inStock })}>
        {t('store.filter.inStock')}
      </button>
      <button type="button" className="chip" aria-pressed={value.preSale} onClick={() => onChange({ ...value, preSale: !value.preSale })}>
        {t('store.filter.preSale')}
      </button>
    </div>
  );
}
