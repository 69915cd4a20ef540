import { Card, Col, Grid, Row, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { RfmData } from '../../api/analytics';
import { Chart } from '../../components/Chart';
import { ErrorState, Loading } from '../../components/states';
import { useFormat } from '../../lib/format';
import { useReport } from './context';
import { ReportTableView } from './ReportTableView';
import { RFM_SEGMENT_COLORS } from './segment-colors';

export default function RfmTab() {
  const { t } = useTranslation();
  const f = useFormat();
  const { data: report, error, reload } = useReport<RfmData>('rfm');
  // Segment names do not fit the cells on a phone: counts only there (the tooltip names them).
  const wide = Grid.useBreakpoint().md ?? true;
  if (error) return <ErrorState error={error} onRetry={reload} />;
  if (!report) return <Loading rows={10} />;
  const d = report.data;
  const bins = d.bins;
  const scores = Array.from({ length: bins }, (_, i) => i + 1);

  // R x F: customers in each cell, coloured by their mean spend (monetary).
  const rf = new Map<string, { customers: number; revenue: number }>();
  for (const c of d.cells) {
    const k = `${c.r}:${c.f}`;
    const e = rf.get(k) ?? { customers: 0, revenue: 0 };
    e.customers += c.customers;
    e.revenue += c.revenueMinor;
    rf.set(k, e);
  }
  const heat = scores.flatMap((r) =>
    scores.map((fs) => {
      const e = rf.get(`${r}:${fs}`) ?? { customers: 0, revenue: 0 };
      return [fs - 1, r - 1, e.customers > 0 ? f.major(e.revenue / e.customers) : null, e.customers, e.revenue];
    }),
  );
  const means = heat.map((h) => h[2]).filter((x): x is number => typeof x === 'number');
  const maxMean = Math.max(1, ...means);

  // Named segments laid on the R x FM grid (the classic RFM segment map).
  const names = new Map<string, string>();
  const namedTable = d.segments ? report.tables[0] : undefined;
  if (d.segments && namedTable) d.segments.forEach((s, i) => names.set(s.id, String(namedTable.rows[i]?.[0] ?? s.id)));
  const segIds = d.segments?.map((s) => s.id) ?? [];
  const grid = d.grid ?? [];

  const rLabel = (r: number) => t('value.rScore', { n: r });
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={12}>
        <Card size="small" variant="outlined" title={t('value.rfHeatmap')}>
            <div className="card-hint">{t('value.rfHeatmapHint')}</div>
          <Chart
            label={t('value.rfHeatmap')}
            height={360}
            option={{
              tooltip: {
                formatter: (p: { value: (number | null)[] }) => {
                  const [x, y, mean, customers, revenue] = p.value;
                  return `${t('value.rScore', { n: (y ?? 0) + 1 })} · ${t('value.fScore', { n: (x ?? 0) + 1 })}<br/>${t('value.customers')}: <b>${f.integer(customers)}</b><br/>${t('value.revenue')}: ${f.money(revenue)}<br/>${t('value.meanSpend')}: ${mean === null ? '—' : f.money(Math.round((mean ?? 0) * 10 ** f.decimals))}`;
                },
              },
              grid: { left: 8, right: 16, top: 8, bottom: 44, containLabel: true },
              xAxis: { type: 'category', data: scores.map((s) => t('value.fScore', { n: s })), splitArea: { show: true } },
              yAxis: { type: 'category', name: t('value.recency'), data: scores.map(rLabel), splitArea: { show: true } },
              visualMap: {
                min: 0,
                max: maxMean,
                calculable: false,
                orient: 'horizontal',
                left: 'center',
                bottom: 0,
                itemHeight: 160,
                dimension: 2,
                text: [t('value.highSpend'), t('value.lowSpend')],
                inRange: { color: ['#e6f4ff', '#91caff', '#4096ff', '#1d39c4'] },
              },
              series: [
                {
                  type: 'heatmap',
                  name: t('value.customers'),
                  data: heat,
                  label: { show: true, formatter: (p: { value: number[] }) => f.integer(p.value[3]), fontSize: 12 },
                  emphasis: { itemStyle: { shadowBlur: 8, shadowColor: 'rgba(0,0,0,0.3)' } },
                  itemStyle: { borderColor: '#fff', borderWidth: 2 },
                },
              ],
            }}
          />
        </Card>
      </Col>
      <Col xs={24} xl={12}>
        <Card size="small" variant="outlined" title={t('value.segmentMap')}>
            <div className="card-hint">{t('value.segmentMapHint')}</div>
          {grid.length ? (
            <Chart
              label={t('value.segmentMap')}
              height={360}
              option={{
                tooltip: {
                  formatter: (p: { value: number[] }) => {
                    const g = grid.find((x) => x.fm === p.value[0]! + 1 && x.r === p.value[1]! + 1);
                    return g
                      ? `<b>${names.get(g.segment) ?? g.segment}</b><br/>${t('value.rScore', { n: g.r })} · FM ${g.fm}<br/>${t('value.customers')}: ${f.integer(g.customers)}<br/>${t('value.revenue')}: ${f.money(g.revenueMinor)}`
                      : '';
                  },
                },
                grid: { left: 8, right: 16, top: 8, bottom: 8, containLabel: true },
                xAxis: { type: 'category', name: 'FM', data: scores.map((s) => `FM ${s}`) },
                yAxis: { type: 'category', name: t('value.recency'), data: scores.map(rLabel) },
                visualMap: {
                  type: 'piecewise',
                  show: false,
                  dimension: 2,
                  categories: segIds.map((_, i) => i),
                  inRange: { color: segIds.map((s) => RFM_SEGMENT_COLORS[s] ?? '#d9d9d9') },
                },
                series: [
                  {
                    type: 'heatmap',
                    data: grid.map((g) => [g.fm - 1, g.r - 1, segIds.indexOf(g.segment), g.customers]),
                    label: {
                      show: true,
                      color: '#fff',
                      fontSize: 11,
                      lineHeight: 14,
                      overflow: 'truncate',
                      width: 96,
                      formatter: (p: { value: number[] }) =>
                        wide ? `${names.get(segIds[p.value[2]!]!) ?? ''}\n${f.integer(p.value[3])}` : f.integer(p.value[3]),
                    },
                    itemStyle: { borderColor: '#fff', borderWidth: 2 },
                  },
                ],
              }}
            />
          ) : (
            <Typography.Text type="secondary">{t('value.segmentMapNeeds5')}</Typography.Text>
          )}
        </Card>
      </Col>
      <Col span={24}>
        <Card size="small" variant="outlined" title={report.tables[report.tables.length - 1]!.title}>
          <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
            {t('value.scoreRangesHint', { date: f.day(report.snapshot.asOf) })}
          </Typography.Paragraph>
          <ReportTableView table={report.tables[report.tables.length - 1]!} size="small" />
        </Card>
      </Col>
    </Row>
  );
}
