import { NavLink } from 'react-router-dom';
import { useI18n } from '../../i18n';
import { IconCart, IconHome, IconLive, IconUser } from './icons';

/** 首页 · 直播 · 购物车 · 我的 */
export function TabBar() {
  const { t } = useI18n();
  const tabs = [
    { to: '/', label: t('store.tab.home'), icon: <IconHome />, end: true },
    { to: '/live', label: t('store.tab.live'), icon: <IconLive />, end: false },
    { to: '/cart', label: t('store.tab.cart'), icon: <IconCart />, end: false },
    { to: '/me', label: t('store.tab.me'), icon: <IconUser />, end: false },
  ];
  return (
    <nav className="tabbar" aria-label={t('store.tab.label')}>
      {tabs.map((tab) => (
        <NavLink key={tab.to} to={tab.to} end={tab.end} className={({ isActive }) => (isActive ? 'active' : undefined)}>
          {tab.icon}
          <span>{tab.label}</span>
        </NavLink>
      ))}
    </nav>
  );
}
