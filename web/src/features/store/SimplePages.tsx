import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { useI18n } from '../../i18n';
import { EmptyState } from './States';

/** A store page with nothing on it yet: its title, what to say, and a link home. */
function PlaceholderPage({ heading, title, linkText, children }: { heading: string; title: string; linkText: string; children?: ReactNode }) {
  return (
    <>
      <header className="store-header"><h1 className="page-title">{heading}</h1></header>
      <EmptyState title={title} action={<Link to="/" className="btn btn-primary">{linkText}</Link>}>
        {children}
      </EmptyState>
    </>
  );
}

/** 直播: live rooms open in a later release; say so and point to the products. */
export function LivePage() {
  const { t } = useI18n();
  return <PlaceholderPage heading={t('store.tab.live')} title={t('store.live.title')} linkText={t('store.goShopping')}>{t('store.live.hint')}</PlaceholderPage>;
}

export function NotFoundPage() {
  const { t } = useI18n();
  return <PlaceholderPage heading={t('app.name')} title={t('store.notFound')} linkText={t('store.backHome')} />;
}
