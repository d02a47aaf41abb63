import { Link } from 'react-router-dom';
import { localName, useI18n } from '../../i18n';
import { useCategories } from '../../shared/useCategories';

/** A scrolling row of category chips; the current one is highlighted. */
export function CategoryChips({ current }: { current?: string | undefined }) {
  const { t, lang } = useI18n();
  const { data } = useCategories();
  return (
    <nav className="chips" aria-label={t('store.categories')}>
      <Link to="/" className={current === undefined ? 'chip active' : 'chip'} aria-current={current === undefined ? 'page' : undefined}>
        {t('store.allProducts')}
      </Link>
      {(data ?? []).map((c) => (
        <Link key={c.code} to={`/c/${c.code}`} className={current === c.code ? 'chip active' : 'chip'} aria-current={current === c.code ? 'page' : undefined}>
          {localName(lang, c)}
        </Link>
      ))}
      <Link to="/c" className="chip">{t('store.moreCategories')}</Link>
    </nav>
  );
}
