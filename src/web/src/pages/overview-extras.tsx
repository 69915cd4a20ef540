import { Card, Col, Empty, Flex, Row, Statistic, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { MigrationData, Report, RfmData, Snapshot } from '../api/analytics';
import type { ChurnRun } from '../api/predictions';
import type { SurveyMetrics, SurveySummary } from '../api/voice';
import { Chart } from '../components/Chart';
import { EmptyState, Loading, SoonTag } from '../components/states';
import { useCapabilities } from '../lib/capabilities';
import { useFormat } from '../lib/format';
import { useSession } from '../lib/session';
import { useApi } from '../lib/useApi';
import { RFM_SEGMENT_COLORS } from './value/segment-colors';

/**
 * Overview figures that come from APIs other teams add (predictions, voice of the customer,
 * value snapshots). Each shows "not available yet" until its route exists.
 */
function ChurnRisk() {
  const { t } = useTranslation();
  const f = useFormat();
  const caps = useCapabilities();
  const { can } = useSession();
  const available = caps.ready && caps.has('GET', '/api/churn/runs') && can('analytics:read');
  const { data } = useApi<{ items: ChurnRun[] }>(available ? '/api/churn/runs' : null, { limit: 1 });
  if (!available) return <SoonTag />;
  if (!data) return <span>…</span>;
  const run = data.items[0];
  if (!run) return <Link to="/predictions">{t('overview.runChurn')}</Link>;
  return (
    <Tooltip title={t('overview.churnFrom', { date: f.day(run.asOf), value: f.moneyCompact(run.clvAtRiskMinor) })}>
      <Link to="/predictions" style={{ color: '#cf1322' }}>
        {f.integer(run.atRisk)}
      </Link>
    </Tooltip>
  );
}

function NpsValue({ survey }: { survey: SurveySummary }) {
  const f = useFormat();
  const { t } = useTranslation();
  const { data } = useApi<SurveyMetrics>(`/api/surveys/${survey.id}/metrics`);
  const nps = data?.items.find((i) => i.nps)?.nps;
  if (!data) return <span>…</span>;
  if (!nps) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <Tooltip title={t('overview.npsFrom', { n: f.integer(nps.n), lower: f.number(nps.ci.lower, 0), upper: f.number(nps.ci.upper, 0) })}>
      <Link to="/voice/surveys" style={{ color: nps.score >= 0 ? '#389e0d' : '#cf1322' }}>
        {f.number(nps.score, 0)}
      </Link>
    </Tooltip>
  );
}

function Nps() {
  const caps = useCapabilities();
  const { can } = useSession();
  const available = caps.ready && caps.has('GET', '/api/surveys') && can('analytics:read');
  const { data } = useApi<SurveySummary[]>(available ? '/api/surveys' : null);
  if (!available) return <SoonTag />;
  if (!data) return <span>…</span>;
  const s = data.find((x) => x.status === 'active') ?? data[0];
  if (!s) return <Typography.Text type="secondary">—</Typography.Text>;
  return <NpsValue survey={s} />;
}

/** What changed between the two newest snapshots: customers moving between RFM segments. */
function Changes({ snapshots }: { snapshots: Snapshot[] }) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const lang = i18n.language === 'en' ? 'en' : 'zh-CN';
  const two = snapshots.length >= 2;
  const mig = useApi<Report<MigrationData>>(two ? '/api/analytics/reports/migration' : null, { scheme: 'rfm', lang });
  const rfm = useApi<Report<RfmData>>(two ? null : '/api/analytics/reports/rfm', { lang });
  if (two) {
    if (!mig.data) return <Loading rows={4} />;
    const d = mig.data.data;
    const table = mig.data.tables[0]!;
    const names = table.columns.slice(1, 1 + d.to.length).map((c) => c.label);
    // Segment sizes before (row sums) and after (column sums), real segments only.
    const rows = d.segments.map((seg) => {
      const i = d.from.indexOf(seg);
      const j = d.to.indexOf(seg);
      const before = i >= 0 ? d.counts[i]!.reduce((a, b) => a + b, 0) : 0;
      const after = j >= 0 ? d.counts.reduce((a, r) => a + (r[j] ?? 0), 0) : 0;
      return { seg, name: names[j] ?? seg, before, after, delta: after - before };
    });
    return (
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={8}>
          <Typography.Paragraph type="secondary">
            {t('overview.changesSince', { from: f.day(d.fromSnapshot.asOf), to: f.day(d.toSnapshot.asOf) })}
          </Typography.Paragraph>
          <Row gutter={[12, 12]}>
            {(
              [
                ['new', d.totals.new, '#389e0d'],
                ['moved', d.totals.moved, '#fa8c16'],
                ['stayed', d.totals.stayed, undefined],
                ['gone', d.totals.gone, '#cf1322'],
              ] as const
            ).map(([k, v, color]) => (
              <Col span={12} key={k}>
                <Statistic title={t(`value.migration_${k}`)} value={f.integer(v)} styles={color ? { content: { color } } : undefined} />
              </Col>
            ))}
          </Row>
          <Link to="/value/segments">{t('overview.seeMigration')}</Link>
        </Col>
        <Col xs={24} lg={16}>
          <Chart
            label={t('overview.segmentChange')}
            height={300}
            option={{
              tooltip: {
                trigger: 'axis',
                axisPointer: { type: 'shadow' },
                formatter: (ps: { dataIndex: number }[]) => {
                  const r = rows[ps[0]!.dataIndex]!;
                  return `<b>${r.name}</b><br/>${f.day(d.fromSnapshot.asOf)}: ${f.integer(r.before)}<br/>${f.day(d.toSnapshot.asOf)}: ${f.integer(r.after)}<br/>${r.delta >= 0 ? '+' : ''}${f.integer(r.delta)}`;
                },
              },
              grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
              xAxis: { type: 'value', axisLabel: { formatter: (v: number) => f.compact(v) } },
              yAxis: { type: 'category', inverse: true, data: rows.map((r) => r.name), axisTick: { show: false } },
              series: [
                {
                  type: 'bar',
                  name: t('overview.segmentChange'),
                  barMaxWidth: 16,
                  data: rows.map((r) => ({ value: r.delta, itemStyle: { color: RFM_SEGMENT_COLORS[r.seg] ?? '#2f54eb', borderRadius: 3 } })),
                  label: { show: true, position: 'right', fontSize: 11, formatter: (p: { value: number }) => `${p.value > 0 ? '+' : ''}${f.integer(p.value)}` },
                },
              ],
            }}
          />
        </Col>
      </Row>
    );
  }
  if (!rfm.data) return <Loading rows={4} />;
  const segs = rfm.data.data.segments ?? [];
  const tableRows = rfm.data.tables[0]?.rows ?? [];
  return (
    <Flex vertical gap={8}>
      <Chart
        label={t('overview.segmentMix')}
        height={260}
        option={{
          tooltip: { trigger: 'item', formatter: (p: { name: string; value: number; percent: number }) => `${p.name}: ${f.integer(p.value)} (${f.number(p.percent, 1)}%)` },
          legend: { type: 'scroll', orient: 'vertical', right: 0, top: 'middle' },
          series: [
            {
              type: 'pie',
              radius: ['45%', '72%'],
              center: ['35%', '50%'],
              label: { show: false },
              data: segs.map((s, i) => ({ name: String(tableRows[i]?.[0] ?? s.id), value: s.customers, itemStyle: { color: RFM_SEGMENT_COLORS[s.id] } })),
            },
          ],
        }}
      />
      <Typography.Text type="secondary">{t('overview.oneSnapshot')}</Typography.Text>
    </Flex>
  );
}

function Trends() {
  const { t } = useTranslation();
  const caps = useCapabilities();
  const { can } = useSession();
  const available = caps.ready && caps.has('GET', '/api/analytics/snapshots') && can('analytics:read');
  const list = useApi<{ items: Snapshot[] }>(available ? '/api/analytics/snapshots' : null, { limit: 10 });
  if (!caps.ready) return null;
  const completed = (list.data?.items ?? []).filter((s) => s.status === 'completed');
  return (
    <Card className="panel" variant="borderless" title={t('overview.trendsTitle')} extra={!available ? <SoonTag /> : undefined}>
      {!available ? (
        <EmptyState title={t('overview.trendsSoon')} />
      ) : !list.data ? (
        <Loading rows={4} />
      ) : completed.length === 0 ? (
        <Empty
          image={Empty.PRESENTED_IMAGE_SIMPLE}
          description={t('overview.noSnapshot')}
        >
          <Link to="/value">{t('c360.goValue')}</Link>
        </Empty>
      ) : (
        <Changes snapshots={completed} />
      )}
    </Card>
  );
}

export const OverviewExtras = { ChurnRisk, Nps, Trends };
