import { Card, Col, Flex, Progress, Row, Select, Statistic, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ItemMetrics, Survey, SurveyMetrics, SurveySummary, SurveyTrends } from '../../api/voice';
import { Chart } from '../../components/Chart';
import { EmptyState, ErrorState, Loading } from '../../components/states';
import { useFormat } from '../../lib/format';
import { useApi } from '../../lib/useApi';
import { useI18nText } from './i18n-text';

function SurveyBody({ id }: { id: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const tx = useI18nText();
  const survey = useApi<Survey>(`/api/surveys/${id}`);
  const metrics = useApi<SurveyMetrics>(`/api/surveys/${id}/metrics`);
  const trends = useApi<SurveyTrends>(`/api/surveys/${id}/trends`, { by: 'period', period: 'month' });
  if (metrics.error) return <ErrorState error={metrics.error} onRetry={metrics.reload} />;
  if (!metrics.data || !survey.data) return <Loading rows={8} />;
  const m = metrics.data;
  if (m.responses === 0) return <EmptyState title={t('voice.noResponses')} />;
  const itemText = (key: string) => tx(survey.data!.items.find((i) => i.key === key)?.text, key);
  const npsItem = m.items.find((i) => i.nps);
  const nps = npsItem?.nps ?? null;
  const csatItem = m.items.find((i) => i.csat) ?? m.items.find((i) => i.type === 'csat' && i.satisfied);
  const csatRate = csatItem?.csat?.rate ?? csatItem?.satisfied?.rate ?? null;
  const ci = (c: { lower: number; upper: number } | null | undefined, fmt: (x: number) => string) => (c ? `${fmt(c.lower)} – ${fmt(c.upper)}` : '');
  const groups = trends.data?.groups ?? [];
  const ratingItems = m.items.filter((i) => i.mean && i.type !== 'nps');

  return (
    <Flex vertical gap={16}>
      <Row gutter={[16, 16]}>
        <Col xs={12} lg={6}>
          <Card size="small" style={{ height: '100%' }}>
            <Statistic title={t('voice.responses')} value={f.integer(m.responses)} />
          </Card>
        </Col>
        <Col xs={12} lg={6}>
          <Card size="small" style={{ height: '100%' }} data-testid="nps-card">
            <Statistic title="NPS" value={nps ? f.number(nps.score, 0) : '—'} styles={{ content: { color: nps && nps.score >= 0 ? '#389e0d' : '#cf1322' } }} />
            {nps && (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                95% CI {ci(nps.ci, (x) => f.number(x, 0))}
              </Typography.Text>
            )}
          </Card>
        </Col>
        <Col xs={12} lg={6}>
          <Card size="small" style={{ height: '100%' }}>
            <Statistic title={t('voice.csat')} value={f.percent(csatRate)} />
            {csatItem?.csat && (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                95% CI {ci(csatItem.csat.ci, (x) => f.percent(x, 0))}
              </Typography.Text>
            )}
          </Card>
        </Col>
        <Col xs={12} lg={6}>
          <Card size="small" style={{ height: '100%' }}>
            <Statistic title={t('voice.index')} value={m.index ? f.number(m.index.index, 1) : '—'} suffix={m.index ? '/ 100' : undefined} />
            {m.index?.ci && (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                95% CI {ci(m.index.ci, (x) => f.number(x, 1))}
              </Typography.Text>
            )}
          </Card>
        </Col>
      </Row>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={10}>
          <Card size="small" variant="outlined" title={t('voice.npsBreakdown')} style={{ height: '100%' }}>
            {nps ? (
              <Flex vertical gap={12}>
                <div className="nps-bar" role="img" aria-label={t('voice.npsBreakdown')}>
                  <span style={{ width: `${nps.detractorShare * 100}%`, background: '#ff4d4f' }} />
                  <span style={{ width: `${nps.passiveShare * 100}%`, background: '#d9d9d9' }} />
                  <span style={{ width: `${nps.promoterShare * 100}%`, background: '#52c41a' }} />
                </div>
                <Flex justify="space-between" wrap gap={8}>
                  <Tag color="red">{t('voice.detractors')} {f.percent(nps.detractorShare, 0)} ({f.integer(nps.detractors)})</Tag>
                  <Tag>{t('voice.passives')} {f.percent(nps.passiveShare, 0)} ({f.integer(nps.passives)})</Tag>
                  <Tag color="green">{t('voice.promoters')} {f.percent(nps.promoterShare, 0)} ({f.integer(nps.promoters)})</Tag>
                </Flex>
                {npsItem?.distribution && (
                  <Chart
                    label={t('voice.npsDistribution')}
                    height={200}
                    option={{
                      tooltip: { trigger: 'axis' },
                      grid: { left: 8, right: 8, top: 16, bottom: 8, containLabel: true },
                      xAxis: { type: 'category', data: Object.keys(npsItem.distribution) },
                      yAxis: { type: 'value' },
                      series: [
                        {
                          type: 'bar',
                          name: t('voice.responses'),
                          data: Object.entries(npsItem.distribution).map(([k, v]) => ({
                            value: v,
                            itemStyle: { color: Number(k) >= 9 ? '#52c41a' : Number(k) >= 7 ? '#bfbfbf' : '#ff4d4f', borderRadius: [3, 3, 0, 0] },
                          })),
                        },
                      ],
                    }}
                  />
                )}
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('voice.npsHint')}
                </Typography.Text>
              </Flex>
            ) : (
              <EmptyState title={t('voice.noNps')} />
            )}
          </Card>
        </Col>
        <Col xs={24} xl={14}>
          <Card size="small" variant="outlined" title={t('voice.trends')} style={{ height: '100%' }}>
            {groups.length ? (
              <Chart
                label={t('voice.trends')}
                height={320}
                option={{
                  tooltip: { trigger: 'axis' },
                  legend: { top: 0 },
                  grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
                  xAxis: { type: 'category', data: groups.map((g) => f.month(g.key)) },
                  yAxis: [
                    { type: 'value', min: -100, max: 100, name: 'NPS' },
                    { type: 'value', min: 0, max: 100, splitLine: { show: false }, axisLabel: { formatter: (v: number) => `${v}` } },
                  ],
                  series: [
                    { type: 'line', name: 'NPS', data: groups.map((g) => (g.nps ? Math.round(g.nps.score) : null)), smooth: true, symbolSize: 7 },
                    { type: 'line', name: t('voice.csat'), yAxisIndex: 1, data: groups.map((g) => (g.csat ? Math.round(g.csat.rate * 1000) / 10 : null)), smooth: true, symbolSize: 7, itemStyle: { color: '#13c2c2' } },
                    { type: 'line', name: t('voice.index'), yAxisIndex: 1, data: groups.map((g) => (g.index ? Math.round(g.index.index * 10) / 10 : null)), smooth: true, symbolSize: 7, itemStyle: { color: '#fa8c16' } },
                    { type: 'bar', name: t('voice.responses'), yAxisIndex: 1, data: groups.map((g) => g.n), barMaxWidth: 14, itemStyle: { color: '#f0f0f0' }, z: 0 },
                  ],
                }}
              />
            ) : (
              <EmptyState title={t('voice.noTrends')} />
            )}
          </Card>
        </Col>
      </Row>
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={m.gaps ? 14 : 24}>
          <Card size="small" variant="outlined" title={t('voice.items')}>
            <Table<ItemMetrics>
              size="small"
              rowKey="key"
              dataSource={ratingItems}
              pagination={false}
              scroll={{ x: 'max-content' }}
              columns={[
                { title: t('voice.item'), dataIndex: 'key', render: (k: string) => itemText(k) },
                { title: 'n', dataIndex: 'n', align: 'right', render: (v: number) => f.integer(v) },
                { title: t('voice.mean'), key: 'mean', align: 'right', render: (_, i) => (i.mean ? f.number(i.mean.mean, 2) : '—') },
                { title: '95% CI', key: 'ci', align: 'right', responsive: ['md'], render: (_, i) => (i.mean?.ci ? ci(i.mean.ci, (x) => f.number(x, 2)) : '—') },
                {
                  title: t('voice.satisfiedShare'),
                  key: 'sat',
                  width: 180,
                  render: (_, i) => (i.satisfied ? <Progress percent={Math.round(i.satisfied.rate * 1000) / 10} size="small" strokeColor="#2f54eb" /> : '—'),
                },
                {
                  title: t('voice.weight'),
                  key: 'w',
                  align: 'right',
                  responsive: ['lg'],
                  render: (_, i) => {
                    const w = m.index?.items.find((x) => x.key === i.key)?.weight;
                    return w === undefined ? '—' : f.percent(w, 0);
                  },
                },
              ]}
            />
          </Card>
        </Col>
        {m.gaps && (
          <Col xs={24} xl={10}>
            <Card size="small" variant="outlined" title={t('voice.gaps')}>
              <Chart
                label={t('voice.gaps')}
                height={Math.max(160, m.gaps.attributes.length * 44 + 60)}
                option={{
                  tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v: unknown) => f.number(Number(v), 2) },
                  legend: { top: 0 },
                  grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
                  xAxis: { type: 'value', min: 1, max: 5 },
                  yAxis: { type: 'category', data: m.gaps.attributes.map((a) => a.attribute) },
                  series: [
                    { type: 'bar', name: t('voice.expectation'), data: m.gaps.attributes.map((a) => a.meanExpectation), barMaxWidth: 14, itemStyle: { color: '#d6e4ff' } },
                    { type: 'bar', name: t('voice.perception'), data: m.gaps.attributes.map((a) => a.meanPerception), barMaxWidth: 14, itemStyle: { color: '#2f54eb' } },
                  ],
                }}
              />
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('voice.gapHint', { gap: f.number(m.gaps.meanGap, 2) })}
              </Typography.Text>
            </Card>
          </Col>
        )}
      </Row>
      {m.kano && m.kano.length > 0 && (
        <Card size="small" variant="outlined" title={t('voice.kano')}>
          <Table
            size="small"
            rowKey="attribute"
            dataSource={m.kano}
            pagination={false}
            columns={[
              { title: t('voice.feature'), dataIndex: 'attribute' },
              { title: 'n', dataIndex: 'n', align: 'right' },
              { title: t('voice.kanoCategory'), dataIndex: 'category', render: (c: string) => <Tag>{t(`voice.kano_${c}`, { defaultValue: c })}</Tag> },
              { title: 'Better', dataIndex: 'better', align: 'right', render: (v: number | null) => f.percent(v, 0) },
              { title: 'Worse', dataIndex: 'worse', align: 'right', render: (v: number | null) => f.percent(v, 0) },
            ]}
          />
        </Card>
      )}
    </Flex>
  );
}

export default function SurveysTab() {
  const { t } = useTranslation();
  const tx = useI18nText();
  const list = useApi<SurveySummary[]>('/api/surveys');
  const [id, setId] = useState<number | undefined>(undefined);
  if (list.error) return <ErrorState error={list.error} onRetry={list.reload} />;
  if (!list.data) return <Loading rows={8} />;
  if (!list.data.length) return <EmptyState title={t('voice.noSurveys')} />;
  const chosen = list.data.find((s) => s.id === id) ?? list.data.find((s) => s.status === 'active') ?? list.data[0]!;
  return (
    <Flex vertical gap={16}>
      <Flex gap={8} align="center" wrap>
        <Select
          value={chosen.id}
          onChange={setId}
          style={{ minWidth: 260 }}
          aria-label={t('voice.survey')}
          options={list.data.map((s) => ({ value: s.id, label: `${tx(s.title, s.code)} · ${t(`voice.status_${s.status}`)}` }))}
        />
        {chosen.stage && <Tag color="blue">{t(`voice.stage_${chosen.stage}`, { defaultValue: chosen.stage })}</Tag>}
      </Flex>
      <SurveyBody key={chosen.id} id={chosen.id} />
    </Flex>
  );
}
