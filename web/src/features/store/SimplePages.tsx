import { Link } from 'react-router-dom';
import { useI18n } from '../../i18n';
import { EmptyState } from './States';

/** 直播: live rooms open in a later release; say so and point to the products. */
export function LivePage() {
  const { t } = useI18n();
  return (
    <>
      <header className="store-header"><h1 className="page-title">{t('store.tab.live')}</h1></header>
      <EmptyState title={t('store.live.title')} action={<Link to="/" className="btn btn-primary">{t('store.goShopping')}</Link>}>
        {t('store.live.hint')}
      </EmptyState>
    </>
  );
}

/** 购物车: ordering opens in a later release. */
export function CartPage() {
  const { t } = useI18n();
  return (
    <>
      <header className="store-header"><h1 className="page-title">{t('store.tab.cart')}</h1></header>
      <EmptyState title={t('store.cart.title')} action={<Link to="/" className="btn btn-primary">{t('store.goShopping')}</Link>}>
        {t('store.cart.hint')}
      </EmptyState>
    </>
  );
}

export function NotFoundPage() {
  const { t } = useI18n();
  return (
    <>
      <header className="store-header"><h1 className="page-title">{t('app.name')}</h1></header>
      <EmptyState title={t('store.notFound')} action={<Link to="/" className="btn btn-primary">{t('store.backHome')}</Link>} />
    </>
  );
}
