import {
  CloudUploadOutlined,
  CommentOutlined,
  CrownOutlined,
  DashboardOutlined,
  FundOutlined,
  LogoutOutlined,
  MenuFoldOutlined,
  MenuOutlined,
  MenuUnfoldOutlined,
  RadarChartOutlined,
  AimOutlined,
  SettingOutlined,
  TeamOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { Avatar, Button, Drawer, Dropdown, Flex, Grid, Input, Layout, Menu, Tag, Typography } from 'antd';
import type { MenuProps } from 'antd';
import { Suspense, useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Outlet, useLocation, useNavigate } from 'react-router-dom';
import type { Permission } from '../api/types';
import { useCapabilities } from '../lib/capabilities';
import { useSession } from '../lib/session';
import { ErrorBoundary } from './ErrorBoundary';
import { LanguageSwitch } from './LanguageSwitch';
import { Loading } from './states';

interface NavItem {
  key: string;
  path: string;
  icon: ReactNode;
  permission: Permission;
  /** API prefixes the page needs (any one); without them the item carries a "soon" tag. */
  api?: string[];
}

export const NAV: NavItem[] = [
  { key: 'overview', path: '/', icon: <DashboardOutlined aria-hidden />, permission: 'analytics:read' },
  { key: 'customers', path: '/customers', icon: <TeamOutlined aria-hidden />, permission: 'customers:read' },
  { key: 'value', path: '/value', icon: <FundOutlined aria-hidden />, permission: 'analytics:read', api: ['/api/analytics'] },
  { key: 'predictions', path: '/predictions', icon: <RadarChartOutlined aria-hidden />, permission: 'analytics:read', api: ['/api/models', '/api/predictions'] },
  { key: 'loyalty', path: '/loyalty', icon: <CrownOutlined aria-hidden />, permission: 'loyalty:operate', api: ['/api/loyalty'] },
  { key: 'voice', path: '/voice', icon: <CommentOutlined aria-hidden />, permission: 'customers:read', api: ['/api/surveys', '/api/cases', '/api/journeys'] },
  { key: 'actions', path: '/actions', icon: <AimOutlined aria-hidden />, permission: 'analytics:read', api: ['/api/actions'] },
  { key: 'import', path: '/import', icon: <CloudUploadOutlined aria-hidden />, permission: 'imports:run' },
  { key: 'settings', path: '/settings', icon: <SettingOutlined aria-hidden />, permission: 'settings:read' },
];

function selectedKey(pathname: string): string {
  const hit = NAV.filter((n) => n.path !== '/' && pathname.startsWith(n.path)).sort((a, b) => b.path.length - a.path.length)[0];
  return hit ? hit.key : 'overview';
}

function Brand({ collapsed }: { collapsed: boolean }) {
  const { settings } = useSession();
  const { t } = useTranslation();
  return (
    <Flex align="center" gap={10} className="brand">
      <img src="/favicon.svg" alt="" width={30} height={30} style={{ flex: 'none' }} />
      {!collapsed && (
        <div style={{ minWidth: 0, lineHeight: 1.25 }}>
          <div className="brand-name">Patron</div>
          <div className="brand-sub" title={settings?.name}>
            {settings?.name || t('app.tagline')}
          </div>
        </div>
      )}
    </Flex>
  );
}

export function AppLayout() {
  const { t } = useTranslation();
  const { me, logout, can } = useSession();
  const caps = useCapabilities();
  const screens = Grid.useBreakpoint();
  const mobile = !screens.lg;
  const [collapsed, setCollapsed] = useState(false);
  const [drawer, setDrawer] = useState(false);
  const navigate = useNavigate();
  const location = useLocation();

  useEffect(() => setDrawer(false), [location.pathname]);

  const items: MenuProps['items'] = NAV.filter((n) => can(n.permission)).map((n) => ({
    key: n.key,
    icon: n.icon,
    label: (
      <Flex justify="space-between" align="center" gap={6}>
        <span className="nav-label">{t(`nav.${n.key}`)}</span>
        {n.api && caps.ready && !n.api.some((p) => caps.hasPrefix(p)) && !collapsed && (
          <Tag bordered={false} className="soon-tag">
            {t('nav.soon')}
          </Tag>
        )}
      </Flex>
    ),
    onClick: () => navigate(n.path),
  }));

  const menu = (
    <Menu
      theme="dark"
      mode="inline"
      selectedKeys={[selectedKey(location.pathname)]}
      items={items}
      style={{ borderInlineEnd: 0 }}
      aria-label={t('nav.main')}
    />
  );

  const userMenu: MenuProps = {
    items: [
      {
        key: 'who',
        disabled: true,
        label: (
          <div>
            <div style={{ fontWeight: 600, color: 'rgba(0,0,0,0.88)' }}>{me?.displayName || me?.name}</div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {me ? t(`roles.${me.role}`) : ''}
            </Typography.Text>
          </div>
        ),
      },
      { type: 'divider' },
      { key: 'logout', icon: <LogoutOutlined />, label: t('auth.logout'), onClick: () => void logout() },
    ],
  };

  return (
    <Layout style={{ minHeight: '100vh' }}>
      {!mobile && (
        <div className="app-sider-wrap">
        <Layout.Sider
          width={224}
          collapsedWidth={72}
          collapsed={collapsed}
          theme="dark"
          className="app-sider"
          style={{ position: 'sticky', top: 0, height: '100vh', overflow: 'auto' }}
        >
          <Brand collapsed={collapsed} />
          <nav>{menu}</nav>
        </Layout.Sider>
        </div>
      )}
      {mobile && (
        <Drawer
          placement="left"
          open={drawer}
          onClose={() => setDrawer(false)}
          size={248}
          styles={{ body: { padding: 0, background: '#001529' }, header: { display: 'none' } }}
        >
          <Brand collapsed={false} />
          <nav>{menu}</nav>
        </Drawer>
      )}
      <Layout>
        <Layout.Header className="app-header">
          <Flex align="center" gap={8} style={{ minWidth: 0, flex: 1 }}>
            <Button
              type="text"
              aria-label={mobile ? t('nav.openMenu') : collapsed ? t('nav.expand') : t('nav.collapse')}
              icon={mobile ? <MenuOutlined /> : collapsed ? <MenuUnfoldOutlined /> : <MenuFoldOutlined />}
              onClick={() => (mobile ? setDrawer(true) : setCollapsed((c) => !c))}
            />
            {can('customers:read') && (
              <Input.Search
                className="header-search"
                placeholder={t('customers.searchPlaceholder')}
                aria-label={t('customers.search')}
                allowClear
                onSearch={(q) => q.trim() && navigate(`/customers?q=${encodeURIComponent(q.trim())}`)}
              />
            )}
          </Flex>
          <Flex align="center" gap={4}>
            <LanguageSwitch />
            <Dropdown menu={userMenu} trigger={['click']} placement="bottomRight">
              <Button type="text" data-testid="user-menu" aria-label={t('auth.account')} style={{ paddingInline: 6 }}>
                <Avatar size="small" icon={<UserOutlined />} style={{ background: '#2f54eb' }} />
                {!mobile && <span style={{ marginInlineStart: 6 }}>{me?.displayName || me?.name}</span>}
              </Button>
            </Dropdown>
          </Flex>
        </Layout.Header>
        <Layout.Content className="app-content">
          <main>
            <ErrorBoundary resetKey={location.pathname}>
              <Suspense fallback={<Loading rows={10} />}>
                <Outlet />
              </Suspense>
            </ErrorBoundary>
          </main>
        </Layout.Content>
        <Layout.Footer className="app-footer">
          Patron · {t('app.tagline')}
        </Layout.Footer>
      </Layout>
    </Layout>
  );
}
