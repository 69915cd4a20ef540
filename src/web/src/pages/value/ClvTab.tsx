import { Card, Col, Flex, Row, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { ClvData } from '../../api/analytics';
import { Chart } from '../../components/Chart';
import { ErrorState, Loading } from '../../components/states';
import { useFormat } from '../../lib/format';
import { useReport } from './context';
import { ReportTableView } from './ReportTableView';

export default function ClvTab() {
  const { t } = useTranslation();
  const f = useFormat();
  const { data: report, error, reload } = useReport<ClvData>('clv', { limit: 20 });
  if (error) return <ErrorState error={error} onRetry={reload} />;
  if (!report) return <Loading rows={10} />;
  const years = report.data.company;
  const referrers = report.tables.find((x) => x.columns[0]?.key === 'customer');
  const company = report.tables.find((x) => x.columns[0]?.key === 'period');
  return (
    <Flex vertical gap={16}>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('value.clvHint')}
      </Typography.Paragraph>
      <Row gutter={[16, 16]}>
        <Col span={24}>
          <Card size="small" variant="outlined" title={company?.title ?? t('value.byYear')}>
            <Chart
              label={t('value.byYear')}
              height={280}
              option={{
                tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => f.money(Math.round(Number(v) * 10 ** f.decimals)) },
                legend: { top: 0 },
                grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
                xAxis: { type: 'category', data: years.map((y) => String(y.period)) },
                yAxis: { type: 'value', axisLabel: { formatter: (v: number) => f.compact(v) } },
                series: [
                  { type: 'bar', name: t('value.revenue'), data: years.map((y) => f.major(y.revenueMinor)), barMaxWidth: 28 },
                  { type: 'bar', name: t('value.margin'), data: years.map((y) => f.major(y.marginMinor)), barMaxWidth: 28, itemStyle: { color: '#13c2c2' } },
                  { type: 'line', name: t('value.profit'), data: years.map((y) => f.major(y.profitMinor)), itemStyle: { color: '#fa8c16' } },
                ],
              }}
            />
          </Card>
        </Col>
        {company && (
          <Col span={24}>
            <ReportTableView table={company} size="small" />
          </Col>
        )}
      </Row>
      {referrers && (
        <Card size="small" variant="outlined" title={referrers.title}>
          <ReportTableView
            table={referrers}
            size="small"
            firstCell={(text) => <Link to={`/customers?q=${encodeURIComponent(String(text))}`}>{text}</Link>}
          />
        </Card>
      )}
    </Flex>
  );
}
