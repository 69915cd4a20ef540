import { Button, Flex, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditEntry } from '../../api/types';
import { ErrorState } from '../../components/states';
import { useFormat } from '../../lib/format';
import { useApi } from '../../lib/useApi';

const PAGE = 50;

export default function AuditLog() {
  const { t } = useTranslation();
  const f = useFormat();
  const [before, setBefore] = useState<number[]>([]);
  const { data, error, loading, reload } = useApi<{ items: AuditEntry[] }>('/api/audit', { limit: PAGE, before: before[before.length - 1] });
  if (error) return <ErrorState error={error} onRetry={reload} />;
  const items = data?.items ?? [];
  return (
    <>
      <Typography.Paragraph type="secondary">{t('audit.hint')}</Typography.Paragraph>
      <Table<AuditEntry>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={items}
        pagination={false}
        scroll={{ x: 'max-content' }}
        columns={[
          { title: t('audit.at'), dataIndex: 'at', width: 160, render: (v: string) => f.dateTime(v) },
          { title: t('audit.actor'), dataIndex: 'actor' },
          { title: t('audit.action'), dataIndex: 'action', render: (v: string) => <Tag>{v}</Tag> },
          { title: t('audit.entity'), key: 'entity', render: (_, e) => `${e.entity}${e.entityId ? ` #${e.entityId}` : ''}` },
          {
            title: t('audit.detail'),
            dataIndex: 'detail',
            ellipsis: true,
            responsive: ['md'],
            render: (d: unknown) => (d == null ? '—' : <Typography.Text type="secondary" style={{ fontSize: 12 }}>{JSON.stringify(d)}</Typography.Text>),
          },
        ]}
      />
      <Flex justify="flex-end" gap={8} style={{ marginTop: 12 }}>
        <Button size="small" disabled={before.length === 0} onClick={() => setBefore((b) => b.slice(0, -1))}>
          {t('pager.prev')}
        </Button>
        <Button size="small" disabled={items.length < PAGE} onClick={() => setBefore((b) => [...b, items[items.length - 1]!.id])}>
          {t('pager.next')}
        </Button>
      </Flex>
    </>
  );
}
