import type { ReactNode } from 'react';
import { useI18n } from '../../i18n';
import { problemText } from '../../shared/problems';

export function EmptyState({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="state">
      <p className="state-title">{title}</p>
      {children && <div>{children}</div>}
      {action}
    </div>
  );
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  return (
    <div className="state" role="alert">
      <p className="state-title">{problemText(error, t)}</p>
      {onRetry && <button type="button" className="btn" onClick={onRetry}>{t('common.retry')}</button>}
    </div>
  );
}

export function GridSkeleton({ count = 4 }: { count?: number }) {
  const { t } = useI18n();
  return (
    <div className="grid" aria-busy="true" aria-label={t('common.loading')}>
      {Array.from({ length: count }, (_, i) => (
        <div key={i} className="card">
          <div className="card-img skeleton" />
          <div className="card-body">
            <div className="skeleton" style={{ height: 14 }} />
            <div className="skeleton" style={{ height: 14, width: '60%' }} />
            <div className="skeleton" style={{ height: 18, width: '40%' }} />
          </div>
        </div>
      ))}
    </div>
  );
}
