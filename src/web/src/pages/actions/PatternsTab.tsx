import { Card, Flex, Form, InputNumber, Segmented, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ItemRef, RulesReport, SequencesReport } from '../../api/actions';
import { ErrorState, EmptyState } from '../../components/states';
import { useFormat } from '../../lib/format';
import { codeLabel } from '../../lib/labels';
import { useApi } from '../../lib/useApi';

function Items({ items }: { items: ItemRef[] }) {
  const { t } = useTranslation();
  return (
    <Flex gap={4} wrap>
      {items.map((i) => (
        <Tag key={i.key} bordered={false} color="blue">
          {i.productId === null ? codeLabel(t, 'category', i.key) : i.label}
        </Tag>
      ))}
    </Flex>
  );
}

export default function PatternsTab() {
  const { t } = useTranslation();
  const f = useFormat();
  const [level, setLevel] = useState<'category' | 'product'>('category');
  const [minSupport, setMinSupport] = useState(1);
  const [minConfidence, setMinConfidence] = useState(20);
  const rules = useApi<RulesReport>('/api/actions/rules', { level, minSupport: minSupport / 100, minConfidence: minConfidence / 100, limit: 50 });
  const seqs = useApi<SequencesReport>('/api/actions/sequences', { level, limit: 20, sort: 'confidence' });
  return (
    <Flex vertical gap={16}>
      <Flex gap={16} wrap align="center">
        <Segmented
          value={level}
          onChange={(v) => setLevel(v as 'category' | 'product')}
          options={[
            { value: 'category', label: t('actions.byCategory') },
            { value: 'product', label: t('actions.byProduct') },
          ]}
        />
        <Form layout="inline">
          <Form.Item label={t('actions.minSupport')}>
            <InputNumber min={0.01} max={100} step={0.5} value={minSupport} onChange={(v) => setMinSupport(Number(v ?? 1))} suffix="%" style={{ width: 110 }} />
          </Form.Item>
          <Form.Item label={t('actions.minConfidence')}>
            <InputNumber min={0} max={100} step={5} value={minConfidence} onChange={(v) => setMinConfidence(Number(v ?? 20))} suffix="%" style={{ width: 110 }} />
          </Form.Item>
        </Form>
      </Flex>
      <Card size="small" variant="outlined" title={t('actions.rulesTitle')} extra={rules.data && <Typography.Text type="secondary">{t('actions.rulesFound', { n: f.integer(rules.data.total), baskets: f.integer(rules.data.data.baskets) })}</Typography.Text>}>
        {rules.error ? (
          <ErrorState error={rules.error} onRetry={rules.reload} />
        ) : (
          <Table
            size="small"
            loading={rules.loading}
            rowKey={(r) => `${r.antecedent.map((i) => i.key).join('+')}>${r.consequent.map((i) => i.key).join('+')}`}
            dataSource={rules.data?.rules ?? []}
            pagination={{ pageSize: 10, hideOnSinglePage: true }}
            scroll={{ x: 'max-content' }}
            locale={{ emptyText: <EmptyState title={t('actions.noRules')} /> }}
            columns={[
              { title: t('actions.ifBought'), key: 'a', render: (_, r) => <Items items={r.antecedent} /> },
              { title: t('actions.alsoBuys'), key: 'c', render: (_, r) => <Items items={r.consequent} /> },
              { title: t('actions.support'), dataIndex: 'support', align: 'right', render: (v: number) => f.percent(v, 2) },
              { title: t('actions.confidence'), dataIndex: 'confidence', align: 'right', render: (v: number) => f.percent(v) },
              { title: t('actions.lift'), dataIndex: 'lift', align: 'right', render: (v: number) => <Tag color={v >= 1.5 ? 'green' : v < 1 ? 'default' : 'blue'}>{f.number(v, 2)}</Tag> },
            ]}
          />
        )}
      </Card>
      <Card size="small" variant="outlined" title={t('actions.sequencesTitle')}>
        {seqs.error ? (
          <ErrorState error={seqs.error} onRetry={seqs.reload} />
        ) : (
          <Table
            size="small"
            loading={seqs.loading}
            rowKey={(p) => `${p.antecedent.key}>${p.consequent.key}`}
            dataSource={seqs.data?.patterns ?? []}
            pagination={{ pageSize: 10, hideOnSinglePage: true }}
            scroll={{ x: 'max-content' }}
            locale={{ emptyText: <EmptyState title={t('actions.noSequences')} /> }}
            columns={[
              { title: t('actions.first'), key: 'a', render: (_, p) => <Items items={[p.antecedent]} /> },
              { title: t('actions.then'), key: 'c', render: (_, p) => <Items items={[p.consequent]} /> },
              { title: t('actions.share'), dataIndex: 'confidence', align: 'right', render: (v: number) => f.percent(v) },
              { title: t('actions.customers'), dataIndex: 'count', align: 'right', render: (v: number) => f.integer(v) },
              { title: t('actions.windowLift'), dataIndex: 'windowLift', align: 'right', render: (v: number | null) => (v === null ? '—' : f.number(v, 2)) },
            ]}
          />
        )}
      </Card>
    </Flex>
  );
}
