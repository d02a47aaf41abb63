import type { ReactNode } from 'react';
import { useNavigate } from 'react-router-dom';
import { useI18n } from '../../i18n';
import { IconBack } from './icons';

/** A red header with a back button: to the previous page, or home when opened from a link. */
export function PageHeader({ title, children }: { title?: string; children?: ReactNode }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const back = () => {
    if (window.history.length > 1 && (window.history.state as { idx?: number } | null)?.idx) navigate(-1);
    else navigate('/');
  };
  return (
    <header className="store-header">
      <button type="button" className="back" onClick={back} aria-label={t('common.back')}><IconBack /></button>
      {title !== undefined && <h1 className="page-title">{title}</h1>}
      {children}
    </header>
  );
}
