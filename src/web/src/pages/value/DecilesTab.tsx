import { Card, Col, Flex, Row, Segmented, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { DecilesData } from '../../api/analytics';
import { Chart } from '../../components/Chart';
import { ErrorState, Loading } from '../../components/states';
import { useFormat } from '../../lib/format';
import { useReport, useValue } from './context';
import { ReportTableView } from './ReportTableView';

export default function DecilesTab() {
  const { t } = useTranslation();
  const f = useFormat();
  const { snapshot } = useValue();
  const [slices, setSlices] = useState<'revenue' | 'profit'>('revenue');
  const { data: report, error, reload } = useReport<DecilesData>('deciles');
  if (error) return <ErrorState error={error} onRetry={reload} />;
  if (!report) return <Loading rows={10} />;
  const m = report.data.monetary.deciles;
  const p = report.data.purchase[slices].slices;
  const labels = m.map((d) => t('value.decileN', { n: d.decile }));
  return (
    <Flex vertical gap={16}>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={12}>
          <Card size="small" variant="outlined" title={t('value.monetaryDeciles')}>
            <div className="card-hint">{t('value.monetaryDecilesHint')}</div>
            <Chart
              label={t('value.monetaryDeciles')}
              height={340}
              option={{
                tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => f.percent(Number(v)) },
                legend: { top: 0 },
                grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
                xAxis: { type: 'category', data: labels, axisLabel: { interval: 0, fontSize: 11 } },
                yAxis: [
                  { type: 'value', axisLabel: { formatter: (v: number) => f.percent(v, 0) } },
                  { type: 'value', min: 0, max: 1, axisLabel: { formatter: (v: number) => f.percent(v, 0) }, splitLine: { show: false } },
                ],
                series: [
                  { type: 'bar', name: t('value.salesShare'), data: m.map((d) => d.salesShare), barMaxWidth: 18, itemStyle: { borderRadius: [3, 3, 0, 0] } },
                  { type: 'bar', name: t('value.profitShare'), data: m.map((d) => d.profitShare), barMaxWidth: 18, itemStyle: { color: '#13c2c2', borderRadius: [3, 3, 0, 0] } },
                  { type: 'line', name: t('value.cumulativeSales'), yAxisIndex: 1, data: m.map((d) => d.cumulativeSalesShare), symbolSize: 6, itemStyle: { color: '#fa8c16' } },
                ],
              }}
            />
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card
            size="small"
            variant="outlined"
            title={t('value.purchaseDeciles')}
            extra={
              <Segmented
                size="small"
                value={slices}
                onChange={(v) => setSlices(v as 'revenue' | 'profit')}
                options={[
                  { value: 'revenue', label: t('value.revenue') },
                  { value: 'profit', label: t('value.profit') },
                ]}
              />
            }
          >
            <Chart
              label={t('value.purchaseDeciles')}
              height={340}
              option={{
                tooltip: {
                  trigger: 'axis',
                  formatter: (ps: { dataIndex: number }[]) => {
                    const s = p[ps[0]!.dataIndex]!;
                    return `${f.percent(s.lowerShare, 0)}–${f.percent(s.upperShare, 0)}<br/>${t('value.customers')}: <b>${f.integer(s.customers)}</b> (${f.percent(s.customerShare, 1)})`;
                  },
                },
                grid: { left: 8, right: 8, top: 16, bottom: 8, containLabel: true },
                xAxis: { type: 'category', data: p.map((s) => `${f.percent(s.lowerShare, 0)}–${f.percent(s.upperShare, 0)}`), axisLabel: { interval: 0, rotate: 30, fontSize: 11 } },
                yAxis: { type: 'value', axisLabel: { formatter: (v: number) => f.compact(v) } },
                series: [
                  {
                    type: 'bar',
                    name: t('value.customers'),
                    data: p.map((s) => s.customers),
                    barMaxWidth: 26,
                    itemStyle: { color: '#722ed1', borderRadius: [3, 3, 0, 0] },
                    label: { show: true, position: 'top', fontSize: 11, formatter: (x: { value: number }) => f.integer(x.value) },
                  },
                ],
              }}
            />
            <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginBottom: 0 }}>
              {t('value.purchaseDecilesHint')}
            </Typography.Paragraph>
          </Card>
        </Col>
      </Row>
      <Card size="small" variant="outlined" title={report.tables[0]!.title}>
        <ReportTableView
          table={report.tables[0]!}
          size="small"
          firstCell={(text, i) =>
            m[i] ? <Link to={`/value/segments/decile/${m[i]!.decile}?snapshot=${snapshot.id}`}>{t('value.decileN', { n: m[i]!.decile })}</Link> : text
          }
        />
      </Card>
      <Card size="small" variant="outlined" title={report.tables[slices === 'revenue' ? 1 : 2]!.title}>
        <ReportTableView table={report.tables[slices === 'revenue' ? 1 : 2]!} size="small" />
      </Card>
    </Flex>
  );
}
