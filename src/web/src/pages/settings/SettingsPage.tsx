import { ApiOutlined, AuditOutlined, EnvironmentOutlined, ShopOutlined, TeamOutlined } from '@ant-design/icons';
import { Card, Tabs } from 'antd';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import { PageHeader } from '../../components/PageHeader';
import { Loading } from '../../components/states';
import { useSession } from '../../lib/session';
import { BusinessSettings } from './BusinessSettings';

const UsersSettings = lazy(() => import('./UsersSettings'));
const TokensSettings = lazy(() => import('./TokensSettings'));
const VenuesSettings = lazy(() => import('./VenuesSettings'));
const AuditLog = lazy(() => import('./AuditLog'));

export default function SettingsPage() {
  const { t } = useTranslation();
  const { can } = useSession();
  const { tab } = useParams();
  const navigate = useNavigate();
  const items = [
    { key: 'business', icon: <ShopOutlined />, label: t('settings.business'), show: can('settings:read'), children: <BusinessSettings /> },
    { key: 'venues', icon: <EnvironmentOutlined />, label: t('settings.venues'), show: can('venues:read'), children: <VenuesSettings /> },
    { key: 'users', icon: <TeamOutlined />, label: t('settings.users'), show: can('users:admin'), children: <UsersSettings /> },
    { key: 'tokens', icon: <ApiOutlined />, label: t('settings.tokens'), show: can('tokens:admin'), children: <TokensSettings /> },
    { key: 'audit', icon: <AuditOutlined />, label: t('settings.audit'), show: can('audit:read'), children: <AuditLog /> },
  ].filter((i) => i.show);
  const active = items.some((i) => i.key === tab) ? tab! : items[0]?.key;
  return (
    <>
      <PageHeader title={t('settings.title')} subtitle={t('settings.subtitle')} />
      <Card className="panel" variant="borderless" styles={{ body: { paddingTop: 8 } }}>
        <Tabs
          activeKey={active}
          onChange={(k) => navigate(`/settings/${k}`)}
          items={items.map(({ key, icon, label, children }) => ({
            key,
            icon,
            label,
            children: <Suspense fallback={<Loading />}>{children}</Suspense>,
          }))}
        />
      </Card>
    </>
  );
}
