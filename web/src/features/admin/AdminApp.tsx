import { App, Button, ConfigProvider, Result, Spin } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import type { ReactNode } from 'react';
import { Link, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import type { Role } from '../../api/types';
import { useI18n } from '../../i18n';
import { problemText } from '../../shared/problems';
import { CONSOLE_ROLES, hasRole, useSession } from '../../shared/session';
import { AftersalesPage } from '../aftersales/AftersalesPage';
import { AuditPage } from '../audit/AuditPage';
import { AllOrdersPage } from '../fulfilment/AllOrdersPage';
import { OrderSheetPage } from '../fulfilment/OrderSheetPage';
import { LedgerPage } from '../ledger/LedgerPage';
import { StatementPage } from '../ledger/StatementPage';
import { LicenceQueuePage } from '../licences/LicenceQueuePage';
import { LicenceReviewPage } from '../licences/LicenceReviewPage';
import { ProductDetailPage } from '../products/ProductDetailPage';
import { ProductListPage } from '../products/ProductListPage';
import { SelectionPage } from '../selection/SelectionPage';
import { HostPoliciesPage } from '../settlement/HostPoliciesPage';
import { HostRosterPage } from '../hosts/HostRosterPage';
import { HostDetailPage } from '../hosts/HostDetailPage';
import { MatchesPage } from '../hosts/MatchesPage';
import { SamplesPage } from '../hosts/SamplesPage';
import { PerformancePage } from '../hosts/PerformancePage';
import { FunnelPage } from '../hosts/FunnelPage';
import { PayoutBatchPage } from '../settlement/PayoutBatchPage';
import { PayoutBatchesPage } from '../settlement/PayoutBatchesPage';
import { SettlementStatementPage } from '../settlement/SettlementStatementPage';
import { SupplierDetailPage } from '../suppliers/SupplierDetailPage';
import { SupplierListPage } from '../suppliers/SupplierListPage';
import { UsersPage } from '../users/UsersPage';
import { LiveApprovalsPage, LiveCalendarPage, LiveSessionAdminPage } from '../live/LiveAdminPages';
import { CohortPage, CohortsPage, CourseEditorPage, CoursesPage, MeetingQrPage, PracticeReviewPage } from '../training/ConsolePages';
import { AdminLayout } from './AdminLayout';
import { CrumbProvider } from './crumbs';
import { LoginPage } from './LoginPage';
import { NAV, navFor } from './nav';

function FullPageSpin() {
  const { t } = useI18n();
  return <div style={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center' }}><Spin description={t('common.loading')} /></div>;
}

/** Signed-in staff only; others go to the login page and come back afterwards. */
function RequireConsole({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  const session = useSession();
  const location = useLocation();
  if (session.status === 'loading') return <FullPageSpin />;
  if (session.status === 'error') {
    return <Result status="warning" title={problemText(session.error, t)} extra={<Button onClick={() => void session.refresh()}>{t('common.retry')}</Button>} />;
  }
  if (session.status === 'signedOut') {
    return <Navigate to={`/admin/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  }
  if (!hasRole(session.user, CONSOLE_ROLES)) {
    return (
      <Result
        status="403"
        title={t('admin.noAccess.title')}
        subTitle={t('admin.noAccess.hint')}
        extra={[
          <Link key="store" to="/"><Button type="primary">{t('admin.toStore')}</Button></Link>,
          <Button key="out" onClick={() => void session.signOut()}>{t('auth.signOut')}</Button>,
        ]}
      />
    );
  }
  return <>{children}</>;
}

/** A module page, shown only to the roles that may open it. */
function Guard({ roles, children }: { roles: readonly Role[]; children: ReactNode }) {
  const { t } = useI18n();
  const { user } = useSession();
  if (!hasRole(user, roles)) return <Result status="403" title={t('admin.noAccess.module')} extra={<Link to="/admin"><Button>{t('nav.console')}</Button></Link>} />;
  return <>{children}</>;
}

function Home() {
  const { user } = useSession();
  const first = navFor((user?.roles ?? []).map((r) => r.role))[0];
  return <Navigate to={first?.path ?? '/'} replace />;
}

function NotFound() {
  const { t } = useI18n();
  return <Result status="404" title={t('admin.notFound')} extra={<Link to="/admin"><Button>{t('nav.console')}</Button></Link>} />;
}

const rolesOf = (key: string): readonly Role[] => NAV.find((n) => n.key === key)!.roles;

/** /admin/* — the operator console. Lazy-loaded: only this chunk brings Ant Design. */
export default function AdminApp() {
  const { lang } = useI18n();
  dayjs.locale(lang === 'zh-CN' ? 'zh-cn' : 'en');
  return (
    <ConfigProvider locale={lang === 'zh-CN' ? zhCN : enUS} theme={{ token: { colorPrimary: '#d4380d', borderRadius: 6 } }}>
      <App>
        <CrumbProvider>
          <Routes>
            <Route path="login" element={<LoginPage />} />
            <Route element={<RequireConsole><AdminLayout /></RequireConsole>}>
              <Route index element={<Home />} />
              <Route path="suppliers" element={<Guard roles={rolesOf('suppliers')}><SupplierListPage /></Guard>} />
              <Route path="suppliers/:id" element={<Guard roles={rolesOf('suppliers')}><SupplierDetailPage /></Guard>} />
              <Route path="licences" element={<Guard roles={rolesOf('licences')}><LicenceQueuePage /></Guard>} />
              <Route path="licences/:id" element={<Guard roles={rolesOf('licences')}><LicenceReviewPage /></Guard>} />
              <Route path="products" element={<Guard roles={rolesOf('products')}><ProductListPage /></Guard>} />
              <Route path="products/:id" element={<Guard roles={rolesOf('products')}><ProductDetailPage /></Guard>} />
              <Route path="selection" element={<Guard roles={rolesOf('selection')}><SelectionPage /></Guard>} />
              <Route path="live" element={<Guard roles={rolesOf('liveCalendar')}><LiveCalendarPage /></Guard>} />
              <Route path="live/approvals" element={<Guard roles={rolesOf('liveApprovals')}><LiveApprovalsPage /></Guard>} />
              <Route path="live/:id" element={<Guard roles={rolesOf('liveCalendar')}><LiveSessionAdminPage /></Guard>} />
              <Route path="training/courses" element={<Guard roles={rolesOf('trainingCourses')}><CoursesPage /></Guard>} />
              <Route path="training/courses/:id" element={<Guard roles={rolesOf('trainingCourses')}><CourseEditorPage /></Guard>} />
              <Route path="training/cohorts" element={<Guard roles={rolesOf('trainingCohorts')}><CohortsPage /></Guard>} />
              <Route path="training/cohorts/:id" element={<Guard roles={rolesOf('trainingCohorts')}><CohortPage /></Guard>} />
              <Route path="training/meetings/:id/qr" element={<Guard roles={rolesOf('trainingCohorts')}><MeetingQrPage /></Guard>} />
              <Route path="training/practice/:sessionId" element={<Guard roles={rolesOf('trainingCohorts')}><PracticeReviewPage /></Guard>} />
              <Route path="fulfilment" element={<Guard roles={rolesOf('fulfilment')}><OrderSheetPage /></Guard>} />
              <Route path="aftersales" element={<Guard roles={rolesOf('aftersales')}><AftersalesPage /></Guard>} />
              <Route path="orders" element={<Guard roles={rolesOf('allOrders')}><AllOrdersPage /></Guard>} />
              <Route path="ledger" element={<Guard roles={rolesOf('ledger')}><LedgerPage /></Guard>} />
              <Route path="ledger/accounts/:id" element={<Guard roles={rolesOf('ledger')}><StatementPage /></Guard>} />
              <Route path="payouts" element={<Guard roles={rolesOf('payouts')}><PayoutBatchesPage /></Guard>} />
              <Route path="payouts/:id" element={<Guard roles={rolesOf('payouts')}><PayoutBatchPage /></Guard>} />
              <Route path="statements" element={<Guard roles={rolesOf('statements')}><SettlementStatementPage /></Guard>} />
              <Route path="host-policies" element={<Guard roles={rolesOf('hostPolicies')}><HostPoliciesPage /></Guard>} />
              <Route path="hosts" element={<Guard roles={rolesOf('hostRoster')}><HostRosterPage /></Guard>} />
              <Route path="hosts/matches" element={<Guard roles={rolesOf('hostMatches')}><MatchesPage /></Guard>} />
              <Route path="hosts/samples" element={<Guard roles={rolesOf('hostSamples')}><SamplesPage /></Guard>} />
              <Route path="hosts/performance" element={<Guard roles={rolesOf('hostPerformance')}><PerformancePage /></Guard>} />
              <Route path="hosts/funnel" element={<Guard roles={rolesOf('hostFunnel')}><FunnelPage /></Guard>} />
              <Route path="hosts/:id" element={<Guard roles={rolesOf('hostRoster')}><HostDetailPage /></Guard>} />
              <Route path="users" element={<Guard roles={rolesOf('users')}><UsersPage /></Guard>} />
              <Route path="audit" element={<Guard roles={rolesOf('audit')}><AuditPage /></Guard>} />
              <Route path="*" element={<NotFound />} />
            </Route>
          </Routes>
        </CrumbProvider>
      </App>
    </ConfigProvider>
  );
}
