import { PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Flex, Form, Input, Modal, Select, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { ROLES, type ApiToken, type Role, type Venue } from '../../api/types';
import { ErrorState } from '../../components/states';
import { useFormat } from '../../lib/format';
import { useApi } from '../../lib/useApi';
import { RoleTag } from './UsersSettings';

export default function TokensSettings() {
  const { t } = useTranslation();
  const f = useFormat();
  const { message, modal } = App.useApp();
  const { data, error, loading, reload } = useApi<ApiToken[]>('/api/tokens');
  const venues = useApi<Venue[]>('/api/venues');
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const [form] = Form.useForm<{ name: string; role: Role; venueId?: number }>();
  const venueName = (id: number | null) => (id === null ? t('tokens.allVenues') : venues.data?.find((v) => v.id === id)?.name ?? `#${id}`);

  const create = async (v: { name: string; role: Role; venueId?: number }) => {
    setBusy(true);
    try {
      const r = await api<{ token: string; apiToken: ApiToken }>('/api/tokens', { method: 'POST', body: { ...v, venueId: v.venueId ?? null } });
      setOpen(false);
      form.resetFields();
      setSecret(r.token);
      reload();
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const revoke = (tk: ApiToken) =>
    modal.confirm({
      title: t('tokens.revokeTitle', { name: tk.name }),
      content: t('tokens.revokeHint'),
      okButtonProps: { danger: true },
      okText: t('tokens.revoke'),
      onOk: async () => {
        try {
          await api(`/api/tokens/${tk.id}`, { method: 'DELETE' });
          reload();
        } catch (e) {
          message.error((e as Error).message);
        }
      },
    });

  if (error) return <ErrorState error={error} onRetry={reload} />;
  return (
    <>
      <Flex justify="space-between" align="center" style={{ marginBottom: 12 }} wrap gap={8}>
        <Typography.Text type="secondary">{t('tokens.hint')}</Typography.Text>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen(true)}>
          {t('tokens.create')}
        </Button>
      </Flex>
      {secret && (
        <Alert
          type="success"
          showIcon
          closable={{ onClose: () => setSecret(null) }}
          style={{ marginBottom: 12 }}
          title={t('tokens.copyNow')}
          description={
            <Typography.Text code copyable style={{ wordBreak: 'break-all' }}>
              {secret}
            </Typography.Text>
          }
        />
      )}
      <Table<ApiToken>
        rowKey="id"
        size="middle"
        loading={loading}
        dataSource={data ?? []}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('tokens.none') }}
        columns={[
          { title: t('tokens.name'), dataIndex: 'name', render: (v: string) => <Typography.Text strong>{v}</Typography.Text> },
          { title: t('tokens.prefix'), dataIndex: 'prefix', render: (v: string) => <Typography.Text code>{v}…</Typography.Text> },
          { title: t('users.role'), dataIndex: 'role', render: (r: Role) => <RoleTag role={r} /> },
          { title: t('users.venue'), dataIndex: 'venueId', render: (v: number | null) => venueName(v), responsive: ['md'] },
          { title: t('tokens.lastUsed'), dataIndex: 'lastUsedAt', render: (v: string | null) => (v ? f.dateTime(v) : t('tokens.never')), responsive: ['lg'] },
          { title: t('users.createdAt'), dataIndex: 'createdAt', render: (v: string) => f.date(v), responsive: ['lg'] },
          {
            title: t('tokens.state'),
            key: 'state',
            render: (_, tk) =>
              tk.revokedAt ? (
                <Tag>{t('tokens.revokedAt', { date: f.date(tk.revokedAt) })}</Tag>
              ) : (
                <Button size="small" danger onClick={() => revoke(tk)}>
                  {t('tokens.revoke')}
                </Button>
              ),
          },
        ]}
      />
      <Modal
        open={open}
        title={t('tokens.create')}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        confirmLoading={busy}
        okText={t('common.create')}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" onFinish={create} initialValues={{ role: 'staff' }}>
          <Form.Item name="name" label={t('tokens.name')} rules={[{ required: true, max: 100 }]} extra={t('tokens.nameHelp')}>
            <Input />
          </Form.Item>
          <Form.Item name="role" label={t('users.role')} rules={[{ required: true }]}>
            <Select options={ROLES.map((x) => ({ value: x, label: t(`roles.${x}`) }))} />
          </Form.Item>
          <Form.Item name="venueId" label={t('users.venue')} extra={t('tokens.venueHelp')}>
            <Select allowClear options={(venues.data ?? []).map((v) => ({ value: v.id, label: v.name }))} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
