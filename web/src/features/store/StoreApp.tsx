import { Route, Routes, useLocation } from 'react-router-dom';
import { useElderMode } from '../../shared/elder';
import { NotFoundPage } from './SimplePages';
import { LiveListPage } from '../live/LiveListPage';
import { HostSessionFormPage, HostSessionsPage } from '../live/HostSessions';
import { HostSessionPage } from '../live/HostSessionPage';
import { CartPage } from './CartPage';
import { CheckoutPage } from './CheckoutPage';
import { OrderDetailPage, OrdersPage } from './OrdersPage';
import { ApplyPage } from './aftersales/ApplyPage';
import { CaseDetailPage, CasesPage } from './aftersales/CasesPage';
import { PayPage } from './PayPage';
import { CategoriesPage } from './CategoriesPage';
import { CategoryPage } from './CategoryPage';
import { HomePage } from './HomePage';
import { MePage } from './MePage';
import { ProductPage } from './ProductPage';
import { SearchPage } from './SearchPage';
import { TabBar } from './TabBar';
import { RoomRoute } from '../live/RoomPage';
import { HostLivePage } from '../live/HostLivePage';
import { ToastProvider } from './Toast';
import { HostMatchesPage, HostMePage, HostProfilePage, HostSamplesPage, HostSelectionPage, PublicHostPage } from '../hosts/HostMePages';
import { VideoOnlyPage } from '../live/VideoOnlyPage';
import { CertificatePage, CheckinPage, CohortEnrolPage, LearnCoursePage, LearnHomePage, LessonPage, MyLearningPage } from '../training/LearnPages';
import './store.css';

/** The buyer pages: light, plain CSS, a bottom tab bar everywhere but the product page. */
export function StoreApp() {
  const elder = useElderMode();
  const { pathname } = useLocation();
  const onProduct = pathname.startsWith('/p/');
  // Pages with their own bottom bar (buy, submit, pay) hide the tab bar.
  // The live room and the host's live console fill the screen.
  const fullScreen = /^\/live\/[^/]+\/?$/.test(pathname) || /^\/host\/sessions\/[^/]+\/live\/?$/.test(pathname);
  const ownBar = onProduct || fullScreen || pathname === '/checkout' || pathname.startsWith('/pay/') || pathname.startsWith('/me/orders/') || pathname.startsWith('/me/aftersales/');
  return (
    <ToastProvider>
      <div className={elder ? 'store elder' : 'store'}>
        <main className={ownBar ? 'store-main with-buybar' : 'store-main'}>
          <Routes>
            <Route index element={<HomePage />} />
            <Route path="c" element={<CategoriesPage />} />
            <Route path="c/:code" element={<CategoryPage />} />
            <Route path="search" element={<SearchPage />} />
            <Route path="p/:id" element={<ProductPage />} />
            <Route path="live" element={<LiveListPage />} />
            <Route path="host/sessions" element={<HostSessionsPage />} />
            <Route path="host/sessions/new" element={<HostSessionFormPage />} />
            <Route path="host/sessions/:sessionId" element={<HostSessionPage />} />
            <Route path="host/sessions/:sessionId/edit" element={<HostSessionFormPage />} />
            <Route path="live/:sessionId/video" element={<VideoOnlyPage />} />
            <Route path="live/:sessionId" element={<RoomRoute />} />
            <Route path="host/sessions/:sessionId/live" element={<HostLivePage />} />
            <Route path="host/me" element={<HostMePage />} />
            <Route path="host/me/profile" element={<HostProfilePage />} />
            <Route path="host/me/showcase/add" element={<HostSelectionPage />} />
            <Route path="host/me/matches" element={<HostMatchesPage />} />
            <Route path="host/me/samples" element={<HostSamplesPage />} />
            <Route path="hosts/:hostUserId" element={<PublicHostPage />} />
            <Route path="cart" element={<CartPage />} />
            <Route path="checkout" element={<CheckoutPage />} />
            <Route path="pay/:id" element={<PayPage />} />
            <Route path="me" element={<MePage />} />
            <Route path="me/orders" element={<OrdersPage />} />
            <Route path="me/orders/:id" element={<OrderDetailPage />} />
            <Route path="me/orders/:id/aftersales" element={<ApplyPage />} />
            <Route path="me/aftersales" element={<CasesPage />} />
            <Route path="me/aftersales/:id" element={<CaseDetailPage />} />
            <Route path="learn" element={<LearnHomePage />} />
            <Route path="learn/courses/:id" element={<LearnCoursePage />} />
            <Route path="learn/lessons/:id" element={<LessonPage />} />
            <Route path="learn/cohorts/:id" element={<CohortEnrolPage />} />
            <Route path="learn/checkin/:meetingId" element={<CheckinPage />} />
            <Route path="learn/me" element={<MyLearningPage />} />
            <Route path="learn/cert/:certNo" element={<CertificatePage />} />
            <Route path="*" element={<NotFoundPage />} />
          </Routes>
        </main>
        {!ownBar && <TabBar />}
      </div>
    </ToastProvider>
  );
}
