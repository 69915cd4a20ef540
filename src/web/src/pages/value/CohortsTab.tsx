import { Card, Flex, Segmented, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CohortsData } from '../../api/analytics';
import { Chart } from '../../components/Chart';
import { EmptyState, ErrorState, Loading } from '../../components/states';
import { useFormat } from '../../lib/format';
import { useReport } from './context';

type View = 'retention' | 'revenue';

export default function CohortsTab() {
  const { t } = useTranslation();
  const f = useFormat();
  const [view, setView] = useState<View>('retention');
  const { data: report, error, reload } = useReport<CohortsData>('cohorts');
  if (error) return <ErrorState error={error} onRetry={reload} />;
  if (!report) return <Loading rows={10} />;
  const d = report.data;
  if (!d.cohorts.length) return <EmptyState title={t('value.noCohorts')} />;
  const ages = Array.from({ length: d.ages }, (_, i) => i);
  const cells: [number, number, number | null, number | null][] = [];
  d.cohorts.forEach((c, y) => {
    ages.forEach((a) => {
      const v = view === 'retention' ? c.retention[a] : c.revenuePerCustomer[a];
      if (v === null || v === undefined) return;
      cells.push([a, y, view === 'retention' ? v : f.major(v), c.activeCustomers[a] ?? null]);
    });
  });
  // Month 0 is 100% by definition: scale colours on the later months so differences show.
  const later = cells.filter((c) => c[0] > 0).map((c) => c[2] ?? 0);
  const max = Math.max(view === 'retention' ? 0.05 : 1, ...later);
  const rowH = 24;
  return (
    <Flex vertical gap={16}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Segmented<View>
          value={view}
          onChange={setView}
          options={[
            { value: 'retention', label: t('value.retention') },
            { value: 'revenue', label: t('value.revenuePerCustomer') },
          ]}
        />
        <Typography.Text type="secondary">{t('value.cohortHint')}</Typography.Text>
      </Flex>
      <Card size="small" variant="outlined" title={view === 'retention' ? report.tables[0]!.title : report.tables[1]!.title}>
        <div style={{ overflowX: 'auto' }}>
          <div style={{ minWidth: Math.max(640, d.ages * 40 + 140) }}>
            <Chart
              label={t('value.cohortHeatmap')}
              height={Math.max(280, d.cohorts.length * rowH + 110)}
              option={{
                tooltip: {
                  formatter: (p: { value: [number, number, number, number | null] }) => {
                    const c = d.cohorts[p.value[1]]!;
                    const v = p.value[2];
                    return `${t('value.cohortOf', { month: f.month(c.cohortMonth) })} · ${t('value.monthN', { n: p.value[0] })}<br/>${
                      view === 'retention'
                        ? `${t('value.retention')}: <b>${f.percent(v)}</b><br/>${t('value.activeCustomers')}: ${f.integer(p.value[3])} / ${f.integer(c.size)}`
                        : `${t('value.revenuePerCustomer')}: <b>${f.money(Math.round(v * 10 ** f.decimals))}</b>`
                    }`;
                  },
                },
                grid: { left: 8, right: 16, top: 8, bottom: 56, containLabel: true },
                xAxis: { type: 'category', data: ages.map((a) => t('value.monthShort', { n: a })), name: t('value.monthsSinceFirst'), nameLocation: 'middle', nameGap: 26, axisLabel: { fontSize: 11 } },
                yAxis: { type: 'category', inverse: true, data: d.cohorts.map((c) => `${c.cohortMonth} (${f.integer(c.size)})`), axisLabel: { fontSize: 11 } },
                visualMap: {
                  min: 0,
                  max,
                  show: false,
                  dimension: 2,
                  inRange: { color: view === 'retention' ? ['#f0f5ff', '#85a5ff', '#2f54eb', '#061178'] : ['#f6ffed', '#95de64', '#389e0d', '#135200'] },
                },
                series: [
                  {
                    type: 'heatmap',
                    data: cells,
                    label: {
                      show: d.ages <= 24,
                      fontSize: 10,
                      formatter: (p: { value: number[] }) => (view === 'retention' ? f.percent(p.value[2]!, 0) : f.compact(p.value[2]!)),
                    },
                    itemStyle: { borderColor: '#fff', borderWidth: 1 },
                  },
                ],
              }}
            />
          </div>
        </div>
      </Card>
      {view === 'retention' && (
        <Card size="small" variant="outlined" title={t('value.averageRetention')}>
          <Chart
            label={t('value.averageRetention')}
            height={220}
            option={{
              tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => f.percent(Number(v)) },
              grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
              xAxis: { type: 'category', data: ages.map((a) => t('value.monthShort', { n: a })) },
              yAxis: { type: 'value', axisLabel: { formatter: (v: number) => f.percent(v, 0) } },
              series: [{ type: 'line', name: t('value.retention'), data: d.averageRetention, smooth: true, areaStyle: { opacity: 0.12 }, symbolSize: 5 }],
            }}
          />
        </Card>
      )}
    </Flex>
  );
}
