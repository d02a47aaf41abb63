import {
  AccountBookOutlined, AuditOutlined, BankOutlined, FileTextOutlined, PercentageOutlined, AppstoreOutlined, CarOutlined, CustomerServiceOutlined, ProfileOutlined, SafetyCertificateOutlined, ShopOutlined,
  ShoppingOutlined, TeamOutlined, CalendarOutlined, VideoCameraOutlined,
} from '@ant-design/icons';
import { ReadOutlined, SolutionOutlined } from '@ant-design/icons';
import { CrownOutlined, FunnelPlotOutlined, GiftOutlined, InteractionOutlined, RiseOutlined } from '@ant-design/icons';
import type { ReactNode } from 'react';
import type { Role } from '../../api/types';
import type { MessageKey } from '../../i18n';

export interface NavItem {
  key: string;
  path: string;
  label: MessageKey;
  icon: ReactNode;
  roles: readonly Role[];
  group: 'supply' | 'catalog' | 'live' | 'training' | 'hosts' | 'orders' | 'finance' | 'system';
}

const READERS: readonly Role[] = ['center_admin', 'operator', 'official', 'supplier'];

/** The console's modules, by group, with the roles that may open each. */
export const NAV: readonly NavItem[] = [
  { key: 'suppliers', path: '/admin/suppliers', label: 'nav.suppliers', icon: <ShopOutlined />, roles: READERS, group: 'supply' },
  { key: 'licences', path: '/admin/licences', label: 'nav.licences', icon: <SafetyCertificateOutlined />, roles: READERS, group: 'supply' },
  { key: 'products', path: '/admin/products', label: 'nav.products', icon: <ShoppingOutlined />, roles: READERS, group: 'catalog' },
  { key: 'selection', path: '/admin/selection', label: 'nav.selection', icon: <AppstoreOutlined />, roles: ['center_admin', 'operator', 'official', 'host'], group: 'catalog' },
  { key: 'liveCalendar', path: '/admin/live', label: 'nav.liveCalendar', icon: <CalendarOutlined />, roles: ['center_admin', 'operator', 'official'], group: 'live' },
  { key: 'liveApprovals', path: '/admin/live/approvals', label: 'nav.liveApprovals', icon: <VideoCameraOutlined />, roles: ['center_admin', 'operator'], group: 'live' },
  { key: 'trainingCourses', path: '/admin/training/courses', label: 'nav.trainingCourses', icon: <ReadOutlined />, roles: ['center_admin', 'operator'], group: 'training' },
  { key: 'trainingCohorts', path: '/admin/training/cohorts', label: 'nav.trainingCohorts', icon: <SolutionOutlined />, roles: ['center_admin', 'operator', 'host'], group: 'training' },
  { key: 'hostRoster', path: '/admin/hosts', label: 'nav.hostRoster', icon: <CrownOutlined />, roles: ['center_admin', 'operator', 'official'], group: 'hosts' },
  { key: 'hostMatches', path: '/admin/hosts/matches', label: 'nav.hostMatches', icon: <InteractionOutlined />, roles: ['center_admin', 'operator', 'official', 'supplier'], group: 'hosts' },
  { key: 'hostSamples', path: '/admin/hosts/samples', label: 'nav.hostSamples', icon: <GiftOutlined />, roles: ['center_admin', 'operator', 'official', 'supplier'], group: 'hosts' },
  { key: 'hostPerformance', path: '/admin/hosts/performance', label: 'nav.hostPerformance', icon: <RiseOutlined />, roles: ['center_admin', 'operator', 'official'], group: 'hosts' },
  { key: 'hostFunnel', path: '/admin/hosts/funnel', label: 'nav.hostFunnel', icon: <FunnelPlotOutlined />, roles: ['center_admin', 'operator', 'official'], group: 'hosts' },
  { key: 'fulfilment', path: '/admin/fulfilment', label: 'nav.fulfilment', icon: <CarOutlined />, roles: ['supplier', 'center_admin', 'operator'], group: 'orders' },
  { key: 'aftersales', path: '/admin/aftersales', label: 'nav.aftersales', icon: <CustomerServiceOutlined />, roles: ['supplier', 'center_admin', 'operator', 'official'], group: 'orders' },
  { key: 'allOrders', path: '/admin/orders', label: 'nav.allOrders', icon: <ProfileOutlined />, roles: ['center_admin', 'operator', 'official'], group: 'orders' },
  { key: 'ledger', path: '/admin/ledger', label: 'nav.ledger', icon: <AccountBookOutlined />, roles: ['center_admin', 'operator', 'official'], group: 'finance' },
  { key: 'payouts', path: '/admin/payouts', label: 'nav.payouts', icon: <BankOutlined />, roles: ['center_admin', 'operator', 'official'], group: 'finance' },
  { key: 'statements', path: '/admin/statements', label: 'nav.statements', icon: <FileTextOutlined />, roles: ['center_admin', 'operator', 'official', 'supplier', 'host'], group: 'finance' },
  { key: 'hostPolicies', path: '/admin/host-policies', label: 'nav.hostPolicies', icon: <PercentageOutlined />, roles: ['center_admin', 'operator', 'official'], group: 'finance' },
  { key: 'users', path: '/admin/users', label: 'nav.users', icon: <TeamOutlined />, roles: ['center_admin'], group: 'system' },
  { key: 'audit', path: '/admin/audit', label: 'nav.audit', icon: <AuditOutlined />, roles: ['center_admin'], group: 'system' },
];

export const NAV_GROUPS: readonly { key: NavItem['group']; label: MessageKey }[] = [
  { key: 'supply', label: 'nav.group.supply' },
  { key: 'catalog', label: 'nav.group.catalog' },
  { key: 'live', label: 'nav.group.live' },
  { key: 'training', label: 'nav.group.training' },
  { key: 'hosts', label: 'nav.group.hosts' },
  { key: 'orders', label: 'nav.group.orders' },
  { key: 'finance', label: 'nav.group.finance' },
  { key: 'system', label: 'nav.group.system' },
];

export function navFor(roles: readonly Role[]): NavItem[] {
  return NAV.filter((n) => n.roles.some((r) => roles.includes(r)));
}
