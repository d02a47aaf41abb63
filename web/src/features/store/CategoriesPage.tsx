import { Link } from 'react-router-dom';
import { localName, useI18n } from '../../i18n';
import { useCategories } from '../../shared/useCategories';
import { PageHeader } from './PageHeader';
import { EmptyState, ErrorState } from './States';

/** Every category as a tile. */
export function CategoriesPage() {
  const { t, lang } = useI18n();
  const { data, error, loading, reload } = useCategories();
  return (
    <>
      <PageHeader title={t('store.categories')} />
      {error ? <ErrorState error={error} onRetry={reload} /> : loading && !data ? (
        <div className="cat-grid" aria-busy="true">{[0, 1, 2, 3].map((i) => <div key={i} className="cat-tile skeleton" />)}</div>
      ) : !data?.length ? (
        <EmptyState title={t('store.categoriesEmpty')} />
      ) : (
        <div className="cat-grid">
          {data.map((c) => (
            <Link key={c.code} to={`/c/${c.code}`} className="cat-tile">
              <span className="cat-name">{localName(lang, c)}</span>
              <span className="cat-note">{c.returnsPolicy === 'quality_only' ? t('store.returns.short.quality_only') : t('store.returns.short.seven_day')}</span>
            </Link>
          ))}
        </div>
      )}
    </>
  );
}
