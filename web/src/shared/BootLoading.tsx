import { useI18n } from '../i18n';

/** Shown while a lazy part of the app downloads; plain markup, no UI library. */
export function BootLoading() {
  const { t } = useI18n();
  return (
    <div role="status" aria-live="polite" style={{ display: 'flex', minHeight: '100vh', alignItems: 'center', justifyContent: 'center', color: '#888', fontSize: 15 }}>
      {t('common.loading')}
    </div>
  );
}
