import { useParams } from 'react-router-dom';
import { localName, useI18n } from '../../i18n';
import { useCategories } from '../../shared/useCategories';
import { CategoryChips } from './CategoryChips';
import { FilterChips } from './FilterChips';
import { PageHeader } from './PageHeader';
import { NoProducts, ProductGrid } from './ProductGrid';
import { SearchBox } from './SearchBox';
import { useStockFilters } from './useStockFilters';

/** Products of one category. */
export function CategoryPage() {
  const { code = '' } = useParams();
  const { t, lang } = useI18n();
  const { data } = useCategories();
  const [filters, setFilters] = useStockFilters();
  const category = data?.find((c) => c.code === code);
  return (
    <>
      <PageHeader><SearchBox /></PageHeader>
      <CategoryChips current={code} />
      <h1 className="visually-hidden">{category ? localName(lang, category) : t('store.categories')}</h1>
      <FilterChips value={filters} onChange={setFilters} />
      <ProductGrid
        filters={{ categoryCode: code, inStock: filters.inStock || undefined, preSale: filters.preSale || undefined }}
        empty={<NoProducts>{filters.inStock || filters.preSale ? t('store.empty.filters') : t('store.empty.category')}</NoProducts>}
      />
    </>
  );
}
