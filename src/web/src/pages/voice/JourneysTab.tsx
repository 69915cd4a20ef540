import { Alert, Card, Col, Flex, Row, Select, Statistic, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Journey, JourneyReport } from '../../api/voice';
import { Chart } from '../../components/Chart';
import { EmptyState, ErrorState, Loading } from '../../components/states';
import { useFormat } from '../../lib/format';
import { useApi } from '../../lib/useApi';
import { useI18nText } from './i18n-text';

function JourneyBody({ id }: { id: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const tx = useI18nText();
  const { data, error, reload } = useApi<JourneyReport>(`/api/journeys/${id}/report`);
  if (error) return <ErrorState error={error} onRetry={reload} />;
  if (!data) return <Loading rows={6} />;
  const tps = data.touchpoints;
  if (!tps.some((x) => x.n > 0)) return <EmptyState title={t('voice.noJourneyRatings')} />;
  const names = tps.map((x) => tx(x.label, x.key));
  return (
    <Flex vertical gap={16}>
      <Row gutter={[16, 16]}>
        <Col xs={24} md={8}>
          <Card size="small" style={{ height: '100%' }}>
            <Statistic title={t('voice.naive')} value={f.percent(data.naiveEndToEnd)} />
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('voice.naiveHint')}
            </Typography.Text>
          </Card>
        </Col>
        <Col xs={24} md={8}>
          <Card size="small" style={{ height: '100%' }}>
            <Statistic title={t('voice.observed')} value={f.percent(data.observed.rate)} styles={{ content: { color: '#2f54eb' } }} />
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('voice.observedHint', { ok: f.integer(data.observed.noBadMoment), n: f.integer(data.observed.customers) })}
            </Typography.Text>
          </Card>
        </Col>
        <Col xs={24} md={8}>
          <Card size="small" style={{ height: '100%' }}>
            <Statistic title={t('voice.badMoment')} value={data.observed.rate === null ? '—' : f.percent(1 - data.observed.rate)} styles={{ content: { color: '#cf1322' } }} />
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('voice.badMomentHint')}
            </Typography.Text>
          </Card>
        </Col>
      </Row>
      <Card size="small" variant="outlined" title={t('voice.touchpoints')}>
        <Chart
          label={t('voice.touchpoints')}
          height={300}
          option={{
            tooltip: {
              trigger: 'axis',
              formatter: (ps: { dataIndex: number }[]) => {
                const x = tps[ps[0]!.dataIndex]!;
                return `<b>${names[ps[0]!.dataIndex]}</b><br/>${t('voice.satisfiedShare')}: ${f.percent(x.rate)}${x.ci ? ` (95% CI ${f.percent(x.ci.lower, 0)}–${f.percent(x.ci.upper, 0)})` : ''}<br/>n = ${f.integer(x.n)}`;
              },
            },
            grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
            xAxis: { type: 'category', data: names },
            yAxis: { type: 'value', min: 0, max: 1, axisLabel: { formatter: (v: number) => f.percent(v, 0) } },
            series: [
              {
                type: 'bar',
                name: t('voice.satisfiedShare'),
                data: tps.map((x) => x.rate),
                barMaxWidth: 48,
                itemStyle: { color: '#2f54eb', borderRadius: [4, 4, 0, 0] },
                label: { show: true, position: 'top', formatter: (p: { value: number }) => f.percent(p.value, 0) },
              },
              {
                type: 'line',
                name: t('voice.cumulative'),
                data: tps.map((_, i) => tps.slice(0, i + 1).reduce((a, x) => a * (x.rate ?? 1), 1)),
                symbolSize: 6,
                lineStyle: { type: 'dashed' },
                itemStyle: { color: '#fa8c16' },
              },
            ],
          }}
        />
      </Card>
      <Alert type="info" showIcon title={t('voice.journeyLesson')} />
    </Flex>
  );
}

export default function JourneysTab() {
  const { t } = useTranslation();
  const tx = useI18nText();
  const list = useApi<Journey[]>('/api/journeys');
  const [id, setId] = useState<number | undefined>(undefined);
  if (list.error) return <ErrorState error={list.error} onRetry={list.reload} />;
  if (!list.data) return <Loading rows={6} />;
  if (!list.data.length) return <EmptyState title={t('voice.noJourneys')} />;
  const chosen = list.data.find((j) => j.id === id) ?? list.data[0]!;
  return (
    <Flex vertical gap={16}>
      <Select value={chosen.id} onChange={setId} style={{ minWidth: 240, alignSelf: 'flex-start' }} aria-label={t('voice.journey')} options={list.data.map((j) => ({ value: j.id, label: tx(j.name, j.code) }))} />
      <JourneyBody key={chosen.id} id={chosen.id} />
    </Flex>
  );
}
