import { StrictMode, Suspense, lazy } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Route, Routes } from 'react-router-dom';
import { SessionProvider } from './shared/session';
import { StoreApp } from './features/store/StoreApp';
import { BootLoading } from './shared/BootLoading';

// The console pulls in Ant Design; buyers never download it.
const AdminApp = lazy(() => import('./features/admin/AdminApp'));

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <BrowserRouter>
      <SessionProvider>
        <Routes>
          <Route path="/admin/*" element={<Suspense fallback={<BootLoading />}><AdminApp /></Suspense>} />
          <Route path="/*" element={<StoreApp />} />
        </Routes>
      </SessionProvider>
    </BrowserRouter>
  </StrictMode>,
);
