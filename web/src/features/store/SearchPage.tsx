import { useI18n } from '../../i18n';
import { CategoryChips } from './CategoryChips';
import { FilterChips } from './FilterChips';
import { PageHeader } from './PageHeader';
import { NoProducts, ProductGrid } from './ProductGrid';
import { SearchBox } from './SearchBox';
import { useStockFilters } from './useStockFilters';

/** Search results for ?q=, with 有货 / 预售 toggles. */
export function SearchPage() {
  const { t } = useI18n();
  const [filters, setFilters, params] = useStockFilters();
  const q = (params.get('q') ?? '').trim();
  return (
    <>
      <PageHeader><SearchBox key={q} initial={q} autoFocus={!q} /></PageHeader>
      <h1 className="visually-hidden">{q ? t('store.search.resultsFor', { q }) : t('store.search.label')}</h1>
      <FilterChips value={filters} onChange={setFilters} />
      <ProductGrid
        filters={{ q: q || undefined, inStock: filters.inStock || undefined, preSale: filters.preSale || undefined }}
        empty={(
          <>
            <NoProducts>{q ? t('store.empty.search', { q }) : t('store.empty.hint')}</NoProducts>
            <CategoryChips />
          </>
        )}
      />
    </>
  );
}
