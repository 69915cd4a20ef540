import { App as AntApp, ConfigProvider, theme } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { AppLayout } from './components/AppLayout';
import { Loading } from './components/states';
import { CapabilitiesProvider } from './lib/capabilities';
import { SessionProvider, useSession } from './lib/session';

// Every page is its own chunk; the shell (layout, login) loads first.
const LoginPage = lazy(() => import('./pages/LoginPage'));
const OverviewPage = lazy(() => import('./pages/OverviewPage'));
const CustomersPage = lazy(() => import('./pages/CustomersPage'));
const CustomerPage = lazy(() => import('./pages/CustomerPage'));
const ValuePage = lazy(() => import('./pages/value/ValuePage'));
const SegmentMembersPage = lazy(() => import('./pages/value/SegmentMembersPage'));
const PredictionsPage = lazy(() => import('./pages/PredictionsPage'));
const LoyaltyPage = lazy(() => import('./pages/LoyaltyPage'));
const VoicePage = lazy(() => import('./pages/VoicePage'));
const ImportPage = lazy(() => import('./pages/ImportPage'));
const ActionsPage = lazy(() => import('./pages/ActionsPage'));
const SettingsPage = lazy(() => import('./pages/settings/SettingsPage'));
const NotFoundPage = lazy(() => import('./pages/NotFoundPage'));

const FONT =
  "-apple-system, BlinkMacSystemFont, 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Noto Sans SC', 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

function RequireSession({ children }: { children: ReactNode }) {
  const { status } = useSession();
  const location = useLocation();
  if (status === 'loading') return <div className="boot"><Loading rows={4} /></div>;
  if (status === 'anonymous') {
    const next = location.pathname + location.search;
    return <Navigate to={next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return <>{children}</>;
}

function Routed() {
  return (
    <Suspense fallback={<div className="boot"><Loading rows={4} /></div>}>
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route
          element={
            <RequireSession>
              <AppLayout />
            </RequireSession>
          }
        >
          <Route index element={<OverviewPage />} />
          <Route path="customers" element={<CustomersPage />} />
          <Route path="customers/:id" element={<CustomerPage />} />
          <Route path="value" element={<ValuePage />} />
          <Route path="value/:tab" element={<ValuePage />} />
          <Route path="value/segments/:scheme/:segment" element={<SegmentMembersPage />} />
          <Route path="predictions" element={<PredictionsPage />} />
          <Route path="loyalty" element={<LoyaltyPage />} />
          <Route path="voice" element={<VoicePage />} />
          <Route path="voice/:tab" element={<VoicePage />} />
          <Route path="actions" element={<ActionsPage />} />
          <Route path="actions/:tab" element={<ActionsPage />} />
          <Route path="import" element={<ImportPage />} />
          <Route path="settings" element={<SettingsPage />} />
          <Route path="settings/:tab" element={<SettingsPage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </Suspense>
  );
}

export function App() {
  const { i18n, t } = useTranslation();
  const zh = i18n.language !== 'en';
  useEffect(() => {
    dayjs.locale(zh ? 'zh-cn' : 'en');
    document.title = `Patron · ${t('app.tagline')}`;
  }, [zh, t]);
  return (
    <ConfigProvider
      locale={zh ? zhCN : enUS}
      theme={{
        algorithm: theme.defaultAlgorithm,
        token: {
          colorPrimary: '#2f54eb',
          colorInfo: '#2f54eb',
          colorSuccess: '#389e0d',
          borderRadius: 8,
          fontFamily: FONT,
          colorBgLayout: '#f5f7fa',
        },
        components: {
          Layout: { siderBg: '#0b1a3a', headerBg: '#ffffff', headerHeight: 56, headerPadding: '0 16px' },
          Menu: { darkItemBg: '#0b1a3a', darkSubMenuItemBg: '#08142e', darkItemSelectedBg: '#2f54eb' },
          Card: { headerFontSize: 15 },
          Table: { headerBg: '#fafbfc' },
        },
      }}
    >
      <AntApp>
        <BrowserRouter>
          <SessionProvider>
            <CapabilitiesProvider>
              <Routed />
            </CapabilitiesProvider>
          </SessionProvider>
        </BrowserRouter>
      </AntApp>
    </ConfigProvider>
  );
}
