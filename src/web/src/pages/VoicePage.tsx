import { Card, Tabs } from 'antd';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import { ErrorBoundary } from '../components/ErrorBoundary';
import { FeatureGate } from '../components/FeatureGate';
import { PageHeader } from '../components/PageHeader';
import { Loading } from '../components/states';

const SurveysTab = lazy(() => import('./voice/SurveysTab'));
const JourneysTab = lazy(() => import('./voice/JourneysTab'));
const CasesTab = lazy(() => import('./voice/CasesTab'));
const TABS = { surveys: SurveysTab, journeys: JourneysTab, complaints: CasesTab } as const;
type Key = keyof typeof TABS;

export default function VoicePage() {
  const { t } = useTranslation();
  const { tab } = useParams();
  const navigate = useNavigate();
  const active: Key = tab && tab in TABS ? (tab as Key) : 'surveys';
  const Tab = TABS[active];
  return (
    <>
      <PageHeader title={t('nav.voice')} subtitle={t('voice.subtitle')} />
      <FeatureGate prefix={['/api/surveys', '/api/cases', '/api/journeys']} feature={t('nav.voice')}>
        <Card className="panel" variant="borderless" styles={{ body: { paddingTop: 4 } }}>
          <Tabs activeKey={active} onChange={(k) => navigate(`/voice/${k}`)} items={(Object.keys(TABS) as Key[]).map((k) => ({ key: k, label: t(`voice.tabs.${k}`) }))} />
          <div data-testid={`voice-tab-${active}`}>
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
