import { DownloadOutlined, ExperimentOutlined, ThunderboltOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, DatePicker, Flex, Result, Row, Statistic, Table, Tag, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../api/client';
import { MODEL_LABEL, type ChurnRisk, type ChurnRun, type CustomerPrediction, type ModelRun, type PredictionRun, type Validation } from '../api/predictions';
import { Chart } from '../components/Chart';
import { FeatureGate } from '../components/FeatureGate';
import { PageHeader } from '../components/PageHeader';
import { EmptyState, ErrorState, Loading } from '../components/states';
import { useFormat } from '../lib/format';
import { useApi } from '../lib/useApi';

const REASON_COLORS: Record<string, string> = { 'p-alive': 'red', overdue: 'orange', 'falling-spend': 'gold', complaints: 'magenta', 'low-satisfaction': 'purple' };

function RunButton({ onDone, primary }: { onDone(): void; primary?: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    try {
      const r = await api<{ run: ChurnRun }>('/api/churn/run', { method: 'POST', body: { refresh: true } });
      message.success(t('predictions.ran', { n: r.run.atRisk }));
      onDone();
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button type={primary ? 'primary' : 'default'} icon={<ThunderboltOutlined />} loading={busy} onClick={run} data-testid="predictions-run">
      {t('predictions.run')}
    </Button>
  );
}

function FitCard({ run }: { run: ModelRun }) {
  const { t } = useTranslation();
  const f = useFormat();
  const params = Object.entries(run.params ?? {});
  return (
    <Card size="small" variant="outlined" title={`${MODEL_LABEL[run.model] ?? run.model}`} extra={<Tag color={run.converged ? 'green' : 'red'}>{run.converged ? t('predictions.converged') : t('predictions.notConverged')}</Tag>} style={{ height: '100%' }}>
      <Table
        size="small"
        rowKey={(r) => r[0]}
        pagination={false}
        dataSource={params}
        columns={[
          { title: t('predictions.param'), key: 'k', render: (_, r) => <Typography.Text code>{r[0]}</Typography.Text> },
          { title: t('predictions.estimate'), key: 'v', align: 'right', render: (_, r) => f.number(r[1], 4) },
          { title: t('predictions.se'), key: 'se', align: 'right', render: (_, r) => (run.standardErrors?.[r[0]] === undefined ? '—' : f.number(run.standardErrors[r[0]], 4)) },
        ]}
      />
      <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: '8px 0 0' }}>
        {t('predictions.fitLine', { n: f.integer(run.n), ll: f.number(run.logLik, 1), aic: f.number(run.aic, 1), it: run.iterations ?? '—', opt: run.optimizer ?? '' })}
      </Typography.Paragraph>
      {run.warnings.map((w) => (
        <Alert key={w} type="warning" showIcon title={w} style={{ marginTop: 8 }} />
      ))}
    </Card>
  );
}

function Holdout({ asOf }: { asOf: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const end = dayjs(asOf);
  const [range, setRange] = useState<[Dayjs, Dayjs]>([end.subtract(26, 'week'), end]);
  const [data, setData] = useState<Validation | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      setData(await api<Validation>('/api/models/validate', { query: { calibrationEnd: range[0].format('YYYY-MM-DD'), holdoutEnd: range[1].format('YYYY-MM-DD') } }));
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  const first = data?.models[0];
  const holdoutStart = first?.tracking.find((p) => p.holdout)?.start;
  return (
    <Card
      className="panel"
      variant="borderless"
      title={t('predictions.holdout')}
      extra={
        <Flex gap={8} wrap>
          <DatePicker.RangePicker
            value={range}
            allowClear={false}
            onChange={(v) => v && v[0] && v[1] && setRange([v[0], v[1]])}
            aria-label={t('predictions.holdoutRange')}
          />
          <Button icon={<ExperimentOutlined />} loading={busy} onClick={run} data-testid="holdout-run">
            {t('predictions.runHoldout')}
          </Button>
        </Flex>
      }
    >
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {t('predictions.holdoutHint')}
      </Typography.Paragraph>
      {error && <ErrorState error={error} />}
      {!data ? (
        !error && <EmptyState title={t('predictions.holdoutEmpty')} />
      ) : (
        <Flex vertical gap={12} data-testid="holdout-result">
          <Row gutter={[12, 12]}>
            {data.models.map((m) => (
              <Col key={m.model} xs={24} md={12}>
                <Card size="small">
                  <Statistic
                    title={t('predictions.holdoutTotals', { model: MODEL_LABEL[m.model] })}
                    value={`${f.integer(m.totals.actual)} / ${f.number(m.totals.predicted, 0)}`}
                  />
                  <Typography.Text type={Math.abs(m.totals.relativeError) < 0.1 ? 'success' : 'warning'}>
                    {t('predictions.relError', { e: f.percent(m.totals.relativeError, 1) })}
                  </Typography.Text>
                </Card>
              </Col>
            ))}
          </Row>
          {first && (
            <Chart
              label={t('predictions.holdout')}
              height={320}
              option={{
                tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => f.number(Number(v), 0) },
                legend: { top: 0 },
                grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
                xAxis: { type: 'category', data: first.tracking.map((p) => f.day(p.start)), axisLabel: { hideOverlap: true } },
                yAxis: { type: 'value', name: t('predictions.cumulativePurchases'), axisLabel: { formatter: (v: number) => f.compact(v) } },
                series: [
                  {
                    type: 'line',
                    name: t('predictions.actual'),
                    data: first.tracking.map((p) => p.actualCumulative),
                    showSymbol: false,
                    lineStyle: { width: 3, color: '#262626' },
                    itemStyle: { color: '#262626' },
                    markLine: holdoutStart
                      ? { symbol: 'none', lineStyle: { type: 'dashed', color: '#fa8c16' }, label: { formatter: t('predictions.holdoutStarts') }, data: [{ xAxis: f.day(holdoutStart) }] }
                      : undefined,
                  },
                  ...data.models.map((m, i) => ({
                    type: 'line',
                    name: MODEL_LABEL[m.model],
                    data: m.tracking.map((p) => p.expectedCumulative),
                    showSymbol: false,
                    lineStyle: { type: i === 0 ? 'solid' : 'dotted', width: 2 },
                  })),
                ],
              }}
            />
          )}
          {first && (
            <Chart
              label={t('predictions.byFrequency')}
              height={240}
              option={{
                title: { text: t('predictions.byFrequency'), textStyle: { fontSize: 13, fontWeight: 500 } },
                tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => f.number(Number(v), 2) },
                legend: { top: 0, right: 0 },
                grid: { left: 8, right: 16, top: 40, bottom: 30, containLabel: true },
                xAxis: { type: 'category', name: t('predictions.calibrationPurchases'), nameLocation: 'middle', nameGap: 24, data: first.byFrequency.map((b) => b.label) },
                yAxis: { type: 'value' },
                series: [
                  { type: 'bar', name: t('predictions.actual'), data: first.byFrequency.map((b) => b.actualMean), itemStyle: { color: '#8c8c8c' }, barMaxWidth: 18 },
                  ...data.models.map((m) => ({ type: 'bar', name: MODEL_LABEL[m.model], data: m.byFrequency.map((b) => b.predictedMean), barMaxWidth: 18 })),
                ],
              }}
            />
          )}
        </Flex>
      )}
    </Card>
  );
}

function histogram(values: number[], bins: number): { labels: [number, number][]; counts: number[] } {
  if (!values.length) return { labels: [], counts: [] };
  const sorted = [...values].sort((a, b) => a - b);
  // Cap at the 98th percentile so one whale does not squash the chart; the last bin holds the rest.
  const top = sorted[Math.floor(sorted.length * 0.98)] ?? sorted[sorted.length - 1]!;
  const lo = Math.min(0, sorted[0]!);
  const width = (top - lo) / bins || 1;
  const counts = Array.from({ length: bins }, () => 0);
  for (const v of values) counts[Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / width)))]!++;
  return { labels: counts.map((_, i) => [lo + i * width, lo + (i + 1) * width]), counts };
}

function Distribution({ items }: { items: CustomerPrediction[] }) {
  const { t } = useTranslation();
  const f = useFormat();
  const clv = histogram(items.map((x) => x.clvMinor ?? 0), 20);
  const alive = histogram(items.map((x) => x.pAlive), 10);
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={14}>
        <Card className="panel" variant="borderless" title={t('predictions.clvDistribution')} style={{ height: '100%' }}>
          <Chart
            label={t('predictions.clvDistribution')}
            height={260}
            option={{
              tooltip: { trigger: 'axis', formatter: (ps: { dataIndex: number; value: number }[]) => `${f.money(Math.round(clv.labels[ps[0]!.dataIndex]![0]))} – ${f.money(Math.round(clv.labels[ps[0]!.dataIndex]![1]))}<br/>${t('value.customers')}: <b>${f.integer(ps[0]!.value)}</b>` },
              grid: { left: 8, right: 8, top: 16, bottom: 8, containLabel: true },
              xAxis: { type: 'category', data: clv.labels.map((l) => f.moneyCompact(Math.round(l[0]))), axisLabel: { hideOverlap: true } },
              yAxis: { type: 'value' },
              series: [{ type: 'bar', name: t('value.customers'), data: clv.counts, barCategoryGap: '8%', itemStyle: { color: '#2f54eb', borderRadius: [3, 3, 0, 0] } }],
            }}
          />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('predictions.sampleNote', { n: f.integer(items.length) })}
          </Typography.Text>
        </Card>
      </Col>
      <Col xs={24} xl={10}>
        <Card className="panel" variant="borderless" title={t('predictions.aliveDistribution')} style={{ height: '100%' }}>
          <Chart
            label={t('predictions.aliveDistribution')}
            height={260}
            option={{
              tooltip: { trigger: 'axis' },
              grid: { left: 8, right: 8, top: 16, bottom: 8, containLabel: true },
              xAxis: { type: 'category', data: alive.labels.map((l) => `${f.percent(l[0], 0)}`) },
              yAxis: { type: 'value' },
              series: [
                {
                  type: 'bar',
                  name: t('value.customers'),
                  data: alive.counts.map((c, i) => ({ value: c, itemStyle: { color: alive.labels[i]![1] <= 0.5 ? '#ff7875' : '#95de64', borderRadius: [3, 3, 0, 0] } })),
                  barCategoryGap: '10%',
                },
              ],
            }}
          />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('predictions.aliveHint')}
          </Typography.Text>
        </Card>
      </Col>
    </Row>
  );
}

function ChurnList({ run }: { run: ChurnRun }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [after, setAfter] = useState<number[]>([]);
  const { data, error, loading, reload } = useApi<{ run: ChurnRun; items: ChurnRisk[]; nextRank: number | null }>('/api/churn', { run: run.id, limit: 20, after: after[after.length - 1] });
  const columns: TableColumnsType<ChurnRisk> = [
    { title: '#', dataIndex: 'rank', width: 56 },
    {
      title: t('customers.name'),
      key: 'c',
      render: (_, r) => (
        <div>
          <Link to={`/customers/${r.customerId}`} className="table-link" data-testid="churn-link">
            {r.name || t('customers.unnamed')}
          </Link>
          <div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {r.externalId}
            </Typography.Text>
          </div>
        </div>
      ),
    },
    { title: 'P(alive)', dataIndex: 'pAlive', align: 'right', render: (v: number) => <span style={{ color: v < 0.5 ? '#cf1322' : undefined }}>{f.percent(v, 0)}</span> },
    { title: t('predictions.clv'), dataIndex: 'clvMinor', align: 'right', render: (v: number) => f.money(v) },
    { title: t('predictions.priority'), dataIndex: 'priorityMinor', align: 'right', render: (v: number) => <b className="num">{f.money(v)}</b> },
    {
      title: t('predictions.lastBought'),
      key: 'last',
      responsive: ['md'],
      render: (_, r) => (r.meanGapDays ? t('predictions.daysVsGap', { d: r.daysSinceLast, g: f.number(r.meanGapDays, 0) }) : t('c360.daysAgo', { count: r.daysSinceLast })),
    },
    {
      title: t('predictions.reasons'),
      key: 'why',
      render: (_, r) => (
        <Flex gap={4} wrap>
          {r.reasons.map((x) => (
            <Tooltip key={x.code} title={x.text}>
              <Tag color={REASON_COLORS[x.code]} tabIndex={0}>
                {t(`predictions.reason_${x.code}`, { defaultValue: x.code })}
              </Tag>
            </Tooltip>
          ))}
        </Flex>
      ),
    },
  ];
  return (
    <Card
      className="panel"
      variant="borderless"
      title={t('predictions.churnList')}
      extra={
        <Button size="small" icon={<DownloadOutlined />} href={`/api/churn?run=${run.id}&format=csv`} download={`churn-${run.id}.csv`}>
          {t('customers.export')}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {t('predictions.churnHint')}
      </Typography.Paragraph>
      {error ? (
        <ErrorState error={error} onRetry={reload} />
      ) : (
        <>
          <Table<ChurnRisk> rowKey="rank" size="middle" loading={loading} dataSource={data?.items ?? []} columns={columns} pagination={false} scroll={{ x: 'max-content' }} locale={{ emptyText: <EmptyState title={t('predictions.noneAtRisk')} /> }} />
          <Flex justify="flex-end" gap={8} style={{ marginTop: 12 }}>
            <Button size="small" disabled={!after.length} onClick={() => setAfter((a) => a.slice(0, -1))}>
              {t('pager.prev')}
            </Button>
            <Button size="small" disabled={!data?.nextRank} onClick={() => data?.nextRank && setAfter((a) => [...a, data.nextRank!])}>
              {t('pager.next')}
            </Button>
          </Flex>
        </>
      )}
    </Card>
  );
}

function Predictions() {
  const { t } = useTranslation();
  const f = useFormat();
  const churnRuns = useApi<{ items: ChurnRun[] }>('/api/churn/runs', { limit: 5 });
  const models = useApi<{ items: ModelRun[] }>('/api/models/runs', { limit: 50 });
  const latest = churnRuns.data?.items[0];
  const hasPrediction = !!latest?.predictionRunId || !!models.data?.items.some((m) => m.purpose === 'predict' && m.status === 'fitted');
  const preds = useApi<{ run: PredictionRun; items: CustomerPrediction[] }>(hasPrediction ? '/api/predictions' : null, { limit: 1000 });
  const reload = () => {
    churnRuns.reload();
    models.reload();
    preds.reload();
  };
  if (churnRuns.error) return <ErrorState error={churnRuns.error} onRetry={churnRuns.reload} />;
  if (!churnRuns.data || !models.data) return <Loading rows={10} />;
  if (!hasPrediction) {
    return (
      <Card className="panel" variant="borderless">
        <Result icon={<ThunderboltOutlined style={{ color: '#2f54eb' }} />} title={t('predictions.none')} subTitle={t('predictions.noneHint')} extra={<RunButton primary onDone={reload} />} />
      </Card>
    );
  }
  const run = preds.data?.run;
  const fits = models.data.items.filter((m) => m.id === run?.repeatModelRunId || m.id === run?.spendModelRunId);
  return (
    <Flex vertical gap={16}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Text type="secondary">
          {run ? t('predictions.runLine', { date: f.day(run.asOf), model: MODEL_LABEL[run.model], horizon: run.horizon, period: t(`predictions.period_${run.period}`), spend: run.spendSource === 'gamma-gamma' ? 'Gamma-Gamma' : t('predictions.customerMean') }) : ''}
        </Typography.Text>
        <RunButton onDone={reload} />
      </Flex>
      <Row gutter={[16, 16]}>
        <Col xs={12} lg={6}>
          <Card size="small" className="panel" style={{ height: '100%' }}>
            <Statistic title={t('predictions.totalClv')} value={run ? f.moneyCompact(run.totalClvMinor) : '—'} />
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {run ? t('predictions.clvHint', { n: f.integer(run.customers), margin: f.percent(run.margin, 0), rate: f.percent(run.annualDiscountRate, 0) }) : ''}
            </Typography.Text>
          </Card>
        </Col>
        <Col xs={12} lg={6}>
          <Card size="small" className="panel" style={{ height: '100%' }}>
            <Statistic title={t('predictions.expectedPurchases')} value={run ? f.integer(Math.round(run.expectedPurchases)) : '—'} />
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {run ? t('predictions.nextPeriods', { n: run.horizon, period: t(`predictions.period_${run.period}`) }) : ''}
            </Typography.Text>
          </Card>
        </Col>
        <Col xs={12} lg={6}>
          <Card size="small" className="panel" style={{ height: '100%' }}>
            <Statistic title={t('predictions.atRisk')} value={latest ? f.integer(latest.atRisk) : '—'} styles={{ content: { color: '#cf1322' } }} />
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {latest ? t('predictions.ofCustomers', { share: f.percent(latest.atRisk / Math.max(1, latest.customers), 0) }) : t('predictions.noChurnRun')}
            </Typography.Text>
          </Card>
        </Col>
        <Col xs={12} lg={6}>
          <Card size="small" className="panel" style={{ height: '100%' }}>
            <Statistic title={t('predictions.clvAtRisk')} value={latest ? f.moneyCompact(latest.clvAtRiskMinor) : '—'} />
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {latest ? t('predictions.asOf', { date: f.day(latest.asOf) }) : ''}
            </Typography.Text>
          </Card>
        </Col>
      </Row>
      {fits.length > 0 && (
        <Row gutter={[16, 16]}>
          {fits.map((m) => (
            <Col key={m.id} xs={24} lg={12}>
              <FitCard run={m} />
            </Col>
          ))}
        </Row>
      )}
      {preds.data && <Distribution items={preds.data.items} />}
      {run && <Holdout asOf={run.asOf} />}
      {latest && <ChurnList run={latest} />}
    </Flex>
  );
}

export default function PredictionsPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('nav.predictions')} subtitle={t('predictions.subtitle')} />
      <FeatureGate
        prefix={['/api/models', '/api/predictions']}
        feature={t('nav.predictions')}
        hint={
          <>
            {t('predictions.soon')}
            <br />
            {t('common.notAvailableHint')}
          </>
        }
      >
        <Predictions />
      </FeatureGate>
    </>
  );
}
