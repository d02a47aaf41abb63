import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { useI18n } from '../../i18n';
import { IconSearch } from './icons';

export function SearchBox({ initial = '', autoFocus }: { initial?: string; autoFocus?: boolean }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [q, setQ] = useState(initial);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const text = q.trim();
    navigate(text ? `/search?q=${encodeURIComponent(text)}` : '/search');
  };
  return (
    <form className="search-box" role="search" onSubmit={submit}>
      <IconSearch size={18} />
      <label htmlFor="store-search" className="visually-hidden">{t('store.search.label')}</label>
      <input
        id="store-search" type="search" value={q} maxLength={40} enterKeyHint="search" autoFocus={autoFocus}
        placeholder={t('store.search.placeholder')} onChange={(e) => setQ(e.target.value)}
      />
      <button type="submit">{t('store.search.button')}</button>
    </form>
  );
}
