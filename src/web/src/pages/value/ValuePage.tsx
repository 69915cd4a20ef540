import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, DatePicker, Flex, Popover, Result, Select, Tabs, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { lazy, Suspense, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams, useSearchParams } from 'react-router-dom';
import type { Snapshot } from '../../api/analytics';
import { api } from '../../api/client';
import { ErrorBoundary } from '../../components/ErrorBoundary';
import { FeatureGate } from '../../components/FeatureGate';
import { PageHeader } from '../../components/PageHeader';
import { ErrorState, Loading } from '../../components/states';
import { useFormat } from '../../lib/format';
import { useSession } from '../../lib/session';
import { useApi } from '../../lib/useApi';
import { ValueContext } from './context';

const RfmTab = lazy(() => import('./RfmTab'));
const SegmentsTab = lazy(() => import('./SegmentsTab'));
const ParetoTab = lazy(() => import('./ParetoTab'));
const DecilesTab = lazy(() => import('./DecilesTab'));
const TiersTab = lazy(() => import('./TiersTab'));
const CohortsTab = lazy(() => import('./CohortsTab'));
const ClvTab = lazy(() => import('./ClvTab'));

const TABS = {
  rfm: RfmTab,
  segments: SegmentsTab,
  pareto: ParetoTab,
  deciles: DecilesTab,
  tiers: TiersTab,
  cohorts: CohortsTab,
  clv: ClvTab,
} as const;
type TabKey = keyof typeof TABS;

/** Builds a snapshot (POST /api/analytics/snapshots) as of a chosen day, default today. */
export function BuildSnapshotButton({ onBuilt, primary }: { onBuilt(s: Snapshot): void; primary?: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [asOf, setAsOf] = useState<Dayjs | null>(null);
  const [busy, setBusy] = useState(false);
  const build = async () => {
    setBusy(true);
    try {
      const r = await api<{ snapshot: Snapshot }>('/api/analytics/snapshots', {
        method: 'POST',
        body: asOf ? { asOf: asOf.format('YYYY-MM-DD') } : {},
      });
      message.success(t('value.built', { date: r.snapshot.asOf }));
      setOpen(false);
      onBuilt(r.snapshot);
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Popover
      open={open}
      onOpenChange={setOpen}
      trigger="click"
      title={t('value.buildTitle')}
      content={
        <Flex vertical gap={10} style={{ width: 260 }}>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('value.buildHint')}
          </Typography.Text>
          <DatePicker value={asOf} onChange={setAsOf} placeholder={t('value.asOfToday')} style={{ width: '100%' }} aria-label={t('value.asOf')} />
          <Button type="primary" loading={busy} onClick={build} data-testid="snapshot-build-confirm">
            {t('value.build')}
          </Button>
        </Flex>
      }
    >
      <Button type={primary ? 'primary' : 'default'} icon={<PlusOutlined />} data-testid="snapshot-build">
        {t('value.buildSnapshot')}
      </Button>
    </Popover>
  );
}

function ValueBody() {
  const { t } = useTranslation();
  const f = useFormat();
  const { can } = useSession();
  const { tab } = useParams();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const list = useApi<{ items: Snapshot[] }>('/api/analytics/snapshots', { limit: 100 });
  const completed = useMemo(() => (list.data?.items ?? []).filter((s) => s.status === 'completed'), [list.data]);
  const wanted = Number(params.get('snapshot'));
  const snapshot = completed.find((s) => s.id === wanted) ?? completed[0];
  const active: TabKey = tab && tab in TABS ? (tab as TabKey) : 'rfm';

  const onBuilt = (s: Snapshot) => {
    list.reload();
    setParams((p) => {
      p.set('snapshot', String(s.id));
      return p;
    });
  };

  if (list.error) return <ErrorState error={list.error} onRetry={list.reload} />;
  if (!list.data) return <Loading rows={10} />;
  if (!snapshot) {
    return (
      <Card className="panel" variant="borderless">
        <Result
          status="info"
          title={t('value.noSnapshot')}
          subTitle={t('value.noSnapshotHint')}
          extra={
            can('imports:run') ? (
              <BuildSnapshotButton primary onBuilt={onBuilt} />
            ) : (
              <Typography.Text type="secondary">{t('value.askAdmin')}</Typography.Text>
            )
          }
        />
        <Typography.Paragraph type="secondary" style={{ textAlign: 'center' }}>
          {t('value.cliHint')} <Typography.Text code>npx patron analyze</Typography.Text>
        </Typography.Paragraph>
      </Card>
    );
  }

  const Tab = TABS[active];
  const query = params.get('snapshot') ? `?snapshot=${snapshot.id}` : '';
  return (
    <ValueContext.Provider value={{ snapshot, snapshots: completed }}>
      <Flex justify="space-between" align="center" gap={12} wrap style={{ marginBottom: 12 }}>
        <Flex align="center" gap={8} wrap>
          <Typography.Text type="secondary">{t('value.snapshot')}</Typography.Text>
          <Select
            value={snapshot.id}
            style={{ minWidth: 240 }}
            aria-label={t('value.snapshot')}
            onChange={(id) =>
              setParams((p) => {
                p.set('snapshot', String(id));
                return p;
              })
            }
            options={completed.map((s) => ({
              value: s.id,
              label: t('value.snapshotOption', { date: f.day(s.asOf), n: f.integer(s.customers) }),
            }))}
          />
        </Flex>
        {can('imports:run') && <BuildSnapshotButton onBuilt={onBuilt} />}
      </Flex>
      <Card className="panel" variant="borderless" styles={{ body: { paddingTop: 4 } }}>
        <Tabs
          activeKey={active}
          onChange={(k) => navigate(`/value/${k}${query}`)}
          items={(Object.keys(TABS) as TabKey[]).map((k) => ({ key: k, label: t(`value.tabs.${k}`) }))}
        />
        <div data-testid={`value-tab-${active}`}>
          <ErrorBoundary resetKey={active}>
            <Suspense fallback={<Loading rows={8} />}>
              <Tab />
            </Suspense>
          </ErrorBoundary>
        </div>
      </Card>
    </ValueContext.Provider>
  );
}

export default function ValuePage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('value.title')} subtitle={t('value.subtitle')} />
      <FeatureGate prefix="/api/analytics" feature={t('nav.value')}>
        <ValueBody />
      </FeatureGate>
    </>
  );
}
