import { useI18n } from '../../i18n';
import { CategoryChips } from './CategoryChips';
import { NoProducts, ProductGrid } from './ProductGrid';
import { SearchBox } from './SearchBox';

export function HomePage() {
  const { t } = useI18n();
  return (
    <>
      <header className="store-header">
        <span className="brand">{t('app.name')}</span>
        <SearchBox />
      </header>
      <CategoryChips />
      <h2 className="visually-hidden">{t('store.allProducts')}</h2>
      <ProductGrid filters={{}} empty={<NoProducts>{t('store.empty.home')}</NoProducts>} />
    </>
  );
}
