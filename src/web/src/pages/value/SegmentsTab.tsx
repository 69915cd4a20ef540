import { Card, Col, Empty, Flex, Row, Segmented, Select, Statistic, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { MigrationData, MigrationScheme, RfmData, SegmentSummary } from '../../api/analytics';
import { Chart } from '../../components/Chart';
import { ErrorState, Loading } from '../../components/states';
import { useFormat } from '../../lib/format';
import { useReport, useValue } from './context';
import { ReportTableView } from './ReportTableView';
import { EIGHT_WAY_COLORS, RFM_SEGMENT_COLORS } from './segment-colors';

type Scheme = 'rfm' | 'eight-way';

function SegmentShares({ segments, names, colors }: { segments: SegmentSummary[]; names: string[]; colors: Record<string, string> }) {
  const { t } = useTranslation();
  const f = useFormat();
  return (
    <Chart
      label={t('value.sharesChart')}
      height={Math.max(260, segments.length * 34 + 60)}
      option={{
        tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v: unknown) => f.percent(Number(v)) },
        legend: { top: 0, data: [t('value.customerShare'), t('value.revenueShare')] },
        grid: { left: 8, right: 40, top: 32, bottom: 8, containLabel: true },
        xAxis: { type: 'value', max: (v: { max: number }) => Math.min(1, Math.ceil(v.max * 10) / 10), axisLabel: { formatter: (v: number) => f.percent(v, 0) } },
        yAxis: { type: 'category', inverse: true, data: names, axisTick: { show: false } },
        series: [
          {
            type: 'bar',
            name: t('value.customerShare'),
            data: segments.map((s) => s.customerShare),
            itemStyle: { color: '#d6e4ff', borderRadius: [0, 4, 4, 0] },
            barGap: '10%',
            barMaxWidth: 12,
          },
          {
            type: 'bar',
            name: t('value.revenueShare'),
            data: segments.map((s) => ({ value: s.revenueShare ?? 0, itemStyle: { color: colors[s.id] ?? '#2f54eb', borderRadius: [0, 4, 4, 0] } })),
            barMaxWidth: 12,
            label: { show: true, position: 'right', fontSize: 11, formatter: (p: { value: number }) => f.percent(p.value, 0) },
          },
        ],
      }}
    />
  );
}

function Migration() {
  const { t } = useTranslation();
  const f = useFormat();
  const { snapshots, snapshot } = useValue();
  const [scheme, setScheme] = useState<MigrationScheme>('rfm');
  const older = snapshots.filter((s) => s.asOf < snapshot.asOf || (s.asOf === snapshot.asOf && s.id < snapshot.id));
  const [fromId, setFromId] = useState<number | undefined>(undefined);
  const from = older.find((s) => s.id === fromId) ?? older[0];
  const { data: report, error, reload } = useReport<MigrationData>('migration', from ? { scheme, from: from.id, to: snapshot.id } : { scheme });

  if (!from) {
    return (
      <Empty
        image={Empty.PRESENTED_IMAGE_SIMPLE}
        description={
          <Flex vertical gap={4}>
            <Typography.Text>{t('value.migrationNeedsTwo')}</Typography.Text>
            <Typography.Text type="secondary">{t('value.migrationHowTo')}</Typography.Text>
          </Flex>
        }
      />
    );
  }
  const controls = (
    <Flex gap={8} wrap align="center">
      <Select<MigrationScheme>
        value={scheme}
        onChange={setScheme}
        aria-label={t('value.scheme')}
        style={{ width: 150 }}
        options={(['rfm', 'eight-way', 'abc', 'tier', 'decile'] as const).map((s) => ({ value: s, label: t(`value.schemes.${s}`) }))}
      />
      <Typography.Text type="secondary">{t('value.from')}</Typography.Text>
      <Select
        value={from.id}
        onChange={setFromId}
        aria-label={t('value.from')}
        style={{ width: 140 }}
        options={older.map((s) => ({ value: s.id, label: f.day(s.asOf) }))}
      />
      <Typography.Text type="secondary">→ {f.day(snapshot.asOf)}</Typography.Text>
    </Flex>
  );
  if (error) return <ErrorState error={error} onRetry={reload} />;
  if (!report) return <Loading rows={6} />;
  const d = report.data;
  const table = report.tables[0]!;
  // Row and column names as the server labels them (same order as data.from / data.to).
  const rowNames = table.rows.map((r) => String(r[0]));
  const colNames = table.columns.slice(1, 1 + d.to.length).map((c) => c.label);
  const heat: [number, number, number, number | null][] = [];
  d.counts.forEach((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    row.forEach((n, j) => heat.push([j, i, n, total > 0 ? n / total : null]));
  });
  const maxCount = Math.max(1, ...heat.filter((h) => d.from[h[1]] !== '(new)').map((h) => h[2]));
  return (
    <Flex vertical gap={12}>
      {controls}
      <Row gutter={[12, 12]} className="stat-strip">
        {(
          [
            ['stayed', d.totals.stayed],
            ['moved', d.totals.moved],
            ['new', d.totals.new],
            ['gone', d.totals.gone],
          ] as const
        ).map(([k, v]) => (
          <Col key={k} xs={12} md={6}>
            <Card size="small">
              <Statistic title={t(`value.migration_${k}`)} value={f.integer(v)} />
            </Card>
          </Col>
        ))}
      </Row>
      <Chart
        label={t('value.migrationTitle')}
        height={Math.max(300, d.from.length * 30 + 90)}
        option={{
          tooltip: {
            formatter: (p: { value: [number, number, number, number | null] }) =>
              `${rowNames[p.value[1]]} → ${colNames[p.value[0]]}<br/>${t('value.customers')}: <b>${f.integer(p.value[2])}</b>${p.value[3] !== null ? ` (${f.percent(p.value[3])})` : ''}`,
          },
          grid: { left: 8, right: 16, top: 8, bottom: 8, containLabel: true },
          xAxis: { type: 'category', data: colNames, axisLabel: { rotate: 35, interval: 0, fontSize: 11 }, splitArea: { show: true } },
          yAxis: { type: 'category', data: rowNames, inverse: true, axisLabel: { fontSize: 11 }, splitArea: { show: true } },
          visualMap: { min: 0, max: maxCount, show: false, dimension: 2, inRange: { color: ['#f5f8ff', '#adc6ff', '#2f54eb', '#10239e'] } },
          series: [
            {
              type: 'heatmap',
              data: heat,
              label: { show: true, fontSize: 11, formatter: (p: { value: number[] }) => (p.value[2] ? f.integer(p.value[2]) : '') },
              itemStyle: { borderColor: '#fff', borderWidth: 1 },
            },
          ],
        }}
      />
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('value.migrationHint')}
      </Typography.Text>
    </Flex>
  );
}

export default function SegmentsTab() {
  const { t } = useTranslation();
  const { snapshot } = useValue();
  const [scheme, setScheme] = useState<Scheme>('rfm');
  const { data: report, error, reload } = useReport<RfmData>('rfm');
  if (error) return <ErrorState error={error} onRetry={reload} />;
  if (!report) return <Loading rows={10} />;
  const d = report.data;
  const named = d.segments !== null;
  const effective: Scheme = scheme === 'rfm' && !named ? 'eight-way' : scheme;
  const segments = effective === 'rfm' ? d.segments! : d.eightWay.segments;
  const table = effective === 'rfm' ? report.tables[0]! : report.tables[named ? 1 : 0]!;
  const names = table.rows.map((r) => String(r[0]));
  const colors = effective === 'rfm' ? RFM_SEGMENT_COLORS : EIGHT_WAY_COLORS;
  const actionCol = table.columns.findIndex((c) => c.key === 'action');

  return (
    <Flex vertical gap={16}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Segmented<Scheme>
          value={effective}
          onChange={setScheme}
          options={[
            ...(named ? [{ value: 'rfm' as const, label: t('value.schemes.rfm') }] : []),
            { value: 'eight-way' as const, label: t('value.schemes.eight-way') },
          ]}
        />
        <Typography.Text type="secondary">{t('value.segmentsHint')}</Typography.Text>
      </Flex>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={8}>
          <Card size="small" variant="outlined" title={t('value.sharesChart')}>
            <SegmentShares segments={segments} names={names} colors={colors} />
          </Card>
        </Col>
        <Col xs={24} xl={16}>
          <Card size="small" variant="outlined" title={table.title}>
            <ReportTableView
              table={table}
              size="small"
              testId="segment-table"
              hide={['action', 'meanMonetary', 'customerShare']}
              firstCell={(text, i) => {
                const action = actionCol >= 0 ? table.rows[i]?.[actionCol] : null;
                return (
                  <Flex align="center" gap={8}>
                    <span className="seg-dot" style={{ background: colors[segments[i]!.id] ?? '#d9d9d9' }} aria-hidden />
                    <Tooltip title={action ? `${t('value.action')}: ${action}` : undefined} placement="right">
                      <Link to={`/value/segments/${effective}/${segments[i]!.id}?snapshot=${snapshot.id}`} data-testid="segment-link">
                        {text}
                      </Link>
                    </Tooltip>
                  </Flex>
                );
              }}
            />
          </Card>
        </Col>
      </Row>
      <Card size="small" variant="outlined" title={t('value.migrationTitle')}>
        <Migration />
      </Card>
    </Flex>
  );
}
