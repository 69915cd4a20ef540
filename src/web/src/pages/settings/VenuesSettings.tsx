import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Flex, Form, Input, Modal, Select, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { Venue } from '../../api/types';
import { EmptyState, ErrorState } from '../../components/states';
import { useFormat } from '../../lib/format';
import { codeLabel } from '../../lib/labels';
import { useSession } from '../../lib/session';
import { useApi } from '../../lib/useApi';

const KINDS = ['hotel', 'outlet', 'online', 'brand'];

export default function VenuesSettings() {
  const { t } = useTranslation();
  const f = useFormat();
  const { can } = useSession();
  const { message } = App.useApp();
  const { data, error, loading, reload } = useApi<Venue[]>('/api/venues');
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ code: string; name: string; kind: string; city?: string }>();

  const create = async (v: { code: string; name: string; kind: string; city?: string }) => {
    setBusy(true);
    try {
      await api('/api/venues', { method: 'POST', body: { ...v, city: v.city || null } });
      setOpen(false);
      form.resetFields();
      message.success(t('common.saved'));
      reload();
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  if (error) return <ErrorState error={error} onRetry={reload} />;
  return (
    <>
      <Flex justify="space-between" align="center" style={{ marginBottom: 12 }} wrap gap={8}>
        <Typography.Text type="secondary">{t('venues.hint')}</Typography.Text>
        {can('venues:write') && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen(true)}>
            {t('venues.add')}
          </Button>
        )}
      </Flex>
      <Table<Venue>
        rowKey="id"
        size="middle"
        loading={loading}
        dataSource={data ?? []}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: <EmptyState title={t('venues.none')} /> }}
        columns={[
          { title: t('venues.code'), dataIndex: 'code', render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
          { title: t('venues.name'), dataIndex: 'name', render: (v: string) => <Typography.Text strong>{v}</Typography.Text> },
          { title: t('venues.kind'), dataIndex: 'kind', render: (v: string) => <Tag>{codeLabel(t, 'venueKind', v)}</Tag> },
          { title: t('customers.city'), dataIndex: 'city', render: (v: string | null) => v ?? '—' },
          { title: t('users.createdAt'), dataIndex: 'createdAt', render: (v: string) => f.date(v), responsive: ['md'] },
        ]}
      />
      <Modal
        open={open}
        title={t('venues.add')}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        confirmLoading={busy}
        okText={t('common.create')}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" onFinish={create} initialValues={{ kind: 'outlet' }}>
          <Form.Item
            name="code"
            label={t('venues.code')}
            extra={t('venues.codeHelp')}
            rules={[{ required: true, pattern: /^[A-Za-z0-9._-]{1,40}$/, message: t('venues.codeHelp') }]}
          >
            <Input placeholder="SH-01" />
          </Form.Item>
          <Form.Item name="name" label={t('venues.name')} rules={[{ required: true, max: 200 }]}>
            <Input />
          </Form.Item>
          <Form.Item name="kind" label={t('venues.kind')}>
            <Select options={KINDS.map((k) => ({ value: k, label: codeLabel(t, 'venueKind', k) }))} />
          </Form.Item>
          <Form.Item name="city" label={t('customers.city')}>
            <Input maxLength={100} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
