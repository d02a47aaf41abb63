import { LogoutOutlined, MenuOutlined, ShopOutlined, UserOutlined } from '@ant-design/icons';
import { App, Avatar, Breadcrumb, Button, Drawer, Dropdown, Grid, Layout, Menu, Space, Typography, type MenuProps } from 'antd';
import { useMemo, useState } from 'react';
import { Link, Outlet, useLocation, useNavigate } from 'react-router-dom';
import type { MeRole } from '../../api/types';
import { useI18n, type Translate } from '../../i18n';
import { problemText } from '../../shared/problems';
import { useSession } from '../../shared/session';
import { useCrumb } from './crumbs';
import { LanguageSwitch } from './LanguageSwitch';
import { NAV, NAV_GROUPS, navFor } from './nav';
import { NotificationBell } from './NotificationBell';

const { Header, Sider, Content } = Layout;

/** The role people act in here: the most senior console role they hold. */
const ROLE_ORDER = ['center_admin', 'operator', 'official', 'supplier', 'host'] as const;
export function primaryRole(roles: MeRole[]): MeRole | undefined {
  for (const r of ROLE_ORDER) {
    const found = roles.find((g) => g.role === r);
    if (found) return found;
  }
  return undefined;
}

export function roleLine(role: MeRole | undefined, t: Translate): string {
  if (!role) return '';
  const where = role.supplierName ?? role.regionName;
  return where ? `${t(`role.${role.role}`)} · ${where}` : t(`role.${role.role}`);
}

function SideMenu({ onNavigate }: { onNavigate?: () => void }) {
  const { t } = useI18n();
  const { user } = useSession();
  const { pathname } = useLocation();
  const navigate = useNavigate();
  const allowed = navFor((user?.roles ?? []).map((r) => r.role));
  const items: MenuProps['items'] = NAV_GROUPS
    .map((g) => ({
      type: 'group' as const,
      key: g.key,
      label: t(g.label),
      children: allowed.filter((n) => n.group === g.key).map((n) => ({ key: n.path, icon: n.icon, label: t(n.label) })),
    }))
    .filter((g) => g.children.length > 0);
  const selected = allowed.filter((n) => pathname.startsWith(n.path)).sort((x, y) => y.path.length - x.path.length)[0]?.path;
  return (
    <Menu
      mode="inline"
      items={items}
      selectedKeys={selected ? [selected] : []}
      onClick={({ key }) => { navigate(key); onNavigate?.(); }}
      style={{ borderInlineEnd: 0 }}
    />
  );
}

function Crumbs() {
  const { t } = useI18n();
  const { pathname } = useLocation();
  const detail = useCrumb();
  const item = NAV.filter((n) => pathname.startsWith(n.path)).sort((x, y) => y.path.length - x.path.length)[0];
  const items = [{ title: <Link to="/admin">{t('nav.console')}</Link> }];
  if (item) items.push({ title: pathname === item.path || !detail ? <span>{t(item.label)}</span> : <Link to={item.path}>{t(item.label)}</Link> });
  if (item && detail && pathname !== item.path) items.push({ title: <span>{detail}</span> });
  return <Breadcrumb items={items} style={{ marginBottom: 12 }} />;
}

function UserMenu({ compact }: { compact: boolean }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const session = useSession();
  const navigate = useNavigate();
  const user = session.user!;
  const main = primaryRole(user.roles);
  const staff = user.roles.filter((r) => r.role !== 'buyer');
  const signOut = async () => {
    try {
      await session.signOut();
      navigate('/admin/login', { replace: true });
    } catch (err) {
      message.error(problemText(err, t));
    }
  };
  const items: MenuProps['items'] = [
    {
      key: 'roles', type: 'group', label: t('admin.myRoles'),
      children: staff.map((r) => ({ key: r.id, label: roleLine(r, t), disabled: true })),
    },
    { type: 'divider' },
    { key: 'store', icon: <ShopOutlined />, label: <Link to="/">{t('admin.toStore')}</Link> },
    { key: 'logout', icon: <LogoutOutlined />, label: t('auth.signOut'), onClick: () => void signOut() },
  ];
  return (
    <Dropdown menu={{ items }} trigger={['click']} placement="bottomRight">
      <Button type="text" style={{ height: 'auto', padding: '4px 8px' }} aria-label={t('admin.accountMenu')}>
        <Space size={8} align="center">
          <Avatar size="small" icon={<UserOutlined />} style={{ background: '#d4380d' }} />
          {!compact && (
            <span style={{ display: 'inline-flex', flexDirection: 'column', alignItems: 'flex-start', lineHeight: 1.25, textAlign: 'left' }}>
              <Typography.Text strong data-testid="header-user">{user.name}</Typography.Text>
              <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="header-role">{roleLine(main, t)}</Typography.Text>
            </span>
          )}
        </Space>
      </Button>
    </Dropdown>
  );
}

/** Ant Design Pro–style frame: side navigation by module, header with user and county, breadcrumb. */
export function AdminLayout() {
  const { t } = useI18n();
  const screens = Grid.useBreakpoint();
  const mobile = !screens.md;
  const [collapsed, setCollapsed] = useState(false);
  const [drawerOpen, setDrawerOpen] = useState(false);
  const brand = useMemo(() => (
    <Link to="/admin" style={{ display: 'flex', alignItems: 'center', gap: 8, color: 'inherit' }}>
      <img src="/favicon.svg" alt="" width={28} height={28} />
      {(!collapsed || mobile) && <Typography.Text strong style={{ fontSize: 16, whiteSpace: 'nowrap' }}>{t('admin.title')}</Typography.Text>}
    </Link>
  ), [collapsed, mobile, t]);

  return (
    <Layout style={{ minHeight: '100vh' }}>
      {!mobile && (
        <Sider theme="light" collapsible collapsed={collapsed} onCollapse={setCollapsed} width={208} style={{ borderInlineEnd: '1px solid #f0f0f0' }}>
          <div style={{ height: 56, display: 'flex', alignItems: 'center', padding: '0 20px' }}>{brand}</div>
          <nav aria-label={t('nav.label')}><SideMenu /></nav>
        </Sider>
      )}
      {mobile && (
        <Drawer placement="left" open={drawerOpen} onClose={() => setDrawerOpen(false)} size={240} title={brand} styles={{ body: { padding: 0 } }}>
          <nav aria-label={t('nav.label')}><SideMenu onNavigate={() => setDrawerOpen(false)} /></nav>
        </Drawer>
      )}
      <Layout>
        <Header style={{ background: '#fff', padding: mobile ? '0 8px' : '0 20px', height: 56, lineHeight: 'normal', display: 'flex', alignItems: 'center', gap: 8, borderBottom: '1px solid #f0f0f0', position: 'sticky', top: 0, zIndex: 10 }}>
          {mobile && <Button type="text" icon={<MenuOutlined />} onClick={() => setDrawerOpen(true)} aria-label={t('nav.open')} />}
          {mobile && brand}
          <div style={{ flex: 1 }} />
          <Space size={mobile ? 4 : 12} align="center">
            <LanguageSwitch />
            <NotificationBell />
            <UserMenu compact={mobile} />
          </Space>
        </Header>
        <Content style={{ padding: mobile ? 12 : 20 }}>
          <Crumbs />
          <Outlet />
        </Content>
      </Layout>
    </Layout>
  );
}
