import { Card, Tabs } from 'antd';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import { ErrorBoundary } from '../components/ErrorBoundary';
import { FeatureGate } from '../components/FeatureGate';
import { PageHeader } from '../components/PageHeader';
import { Loading } from '../components/states';

const PlansTab = lazy(() => import('./actions/PlansTab'));
const CampaignsTab = lazy(() => import('./actions/CampaignsTab'));
const PatternsTab = lazy(() => import('./actions/PatternsTab'));
const TABS = { plans: PlansTab, campaigns: CampaignsTab, patterns: PatternsTab } as const;
type Key = keyof typeof TABS;

export default function ActionsPage() {
  const { t } = useTranslation();
  const { tab } = useParams();
  const navigate = useNavigate();
  const active: Key = tab && tab in TABS ? (tab as Key) : 'plans';
  const Tab = TABS[active];
  return (
    <>
      <PageHeader title={t('nav.actions')} subtitle={t('actions.subtitle')} />
      <FeatureGate prefix="/api/actions" feature={t('nav.actions')}>
        <Card className="panel" variant="borderless" styles={{ body: { paddingTop: 4 } }}>
          <Tabs activeKey={active} onChange={(k) => navigate(`/actions/${k}`)} items={(Object.keys(TABS) as Key[]).map((k) => ({ key: k, label: t(`actions.tabs.${k}`) }))} />
          <div data-testid={`actions-tab-${active}`}>
            <ErrorBoundary resetKey={active}>
              <Suspense fallback={<Loading rows={8} />}>
                <Tab />
              </Suspense>
            </ErrorBoundary>
          </div>
        </Card>
      </FeatureGate>
    </>
  );
}
