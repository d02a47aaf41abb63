import { useEffect, useRef, type ReactNode } from 'react';
import { storeApi } from '../../api/catalog';
import type { ProductFilters } from '../../api/types';
import { useI18n } from '../../i18n';
import { useCursorList } from '../../shared/useAsync';
import { ProductCard } from './ProductCard';
import { EmptyState, ErrorState, GridSkeleton } from './States';

/** Products on sale matching the filters, two columns, more loading as the end scrolls into view. */
export function ProductGrid({ filters, empty }: { filters: ProductFilters; empty: ReactNode }) {
  const { t } = useI18n();
  const key = JSON.stringify(filters);
  const list = useCursorList((cursor) => storeApi.list({ ...filters, cursor, limit: 20 }), [key]);
  const sentinel = useRef<HTMLDivElement>(null);
  const { hasMore, loading, loadMore } = list;

  useEffect(() => {
    const el = sentinel.current;
    if (!el || !hasMore || typeof IntersectionObserver === 'undefined') return;
    const io = new IntersectionObserver((entries) => { if (entries.some((e) => e.isIntersecting)) loadMore(); }, { rootMargin: '400px' });
    io.observe(el);
    return () => io.disconnect();
  }, [hasMore, loading, loadMore]);

  if (list.error && list.items.length === 0) return <ErrorState error={list.error} onRetry={list.reload} />;
  if (list.loading && list.items.length === 0) return <GridSkeleton />;
  if (list.items.length === 0) return <>{empty}</>;
  return (
    <>
      <div className="grid">
        {list.items.map((p) => <ProductCard key={p.id} product={p} />)}
      </div>
      <div className="load-more" ref={sentinel}>
        {list.loading ? t('common.loading') : list.error ? (
          <button type="button" className="btn" onClick={list.loadMore}>{t('common.retry')}</button>
        ) : hasMore ? (
          <button type="button" className="btn" onClick={list.loadMore}>{t('common.loadMore')}</button>
        ) : t('store.noMore')}
      </div>
    </>
  );
}

export function NoProducts({ children }: { children?: ReactNode }) {
  const { t } = useI18n();
  return <EmptyState title={t('store.empty.title')}>{children ?? t('store.empty.hint')}</EmptyState>;
}
