import { PlusOutlined } from '@ant-design/icons';
import { Alert, App, Badge, Button, Flex, Form, Input, Modal, Select, Switch, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { ROLES, type Role, type User, type Venue } from '../../api/types';
import { ErrorState } from '../../components/states';
import { useFormat } from '../../lib/format';
import { useSession } from '../../lib/session';
import { useApi } from '../../lib/useApi';

const ROLE_COLORS: Record<Role, string> = { admin: 'red', manager: 'blue', marketing: 'purple', service: 'cyan', staff: 'default' };

export function RoleTag({ role }: { role: Role }) {
  const { t } = useTranslation();
  return <Tag color={ROLE_COLORS[role]}>{t(`roles.${role}`)}</Tag>;
}

interface NewUserForm {
  username: string;
  displayName?: string;
  role: Role;
  password?: string;
  venueId?: number;
}

export default function UsersSettings() {
  const { t } = useTranslation();
  const f = useFormat();
  const { me } = useSession();
  const { message, modal } = App.useApp();
  const { data, error, loading, reload } = useApi<User[]>('/api/users');
  const venues = useApi<Venue[]>('/api/venues');
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<NewUserForm>();

  const venueOptions = (venues.data ?? []).map((v) => ({ value: v.id, label: v.name }));
  const venueName = (id: number | null) => (id === null ? '—' : venues.data?.find((v) => v.id === id)?.name ?? `#${id}`);

  const patch = async (u: User, body: Partial<Pick<User, 'role' | 'active'>> & { password?: string }) => {
    try {
      await api(`/api/users/${u.id}`, { method: 'PATCH', body });
      message.success(t('common.saved'));
      reload();
    } catch (e) {
      message.error((e as Error).message);
    }
  };

  const create = async (v: NewUserForm) => {
    setBusy(true);
    try {
      const r = await api<{ user: User; generatedPassword: string | null }>('/api/users', {
        method: 'POST',
        body: { username: v.username, role: v.role, displayName: v.displayName || null, password: v.password || undefined, venueId: v.venueId ?? null },
      });
      setOpen(false);
      form.resetFields();
      reload();
      if (r.generatedPassword) {
        modal.success({
          title: t('users.created', { name: r.user.username }),
          content: (
            <div>
              <p>{t('users.generatedPassword')}</p>
              <Typography.Text code copyable style={{ fontSize: 16 }}>
                {r.generatedPassword}
              </Typography.Text>
            </div>
          ),
        });
      } else message.success(t('users.created', { name: r.user.username }));
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
        <Typography.Text type="secondary">{t('users.hint')}</Typography.Text>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen(true)}>
          {t('users.add')}
        </Button>
      </Flex>
      <Table<User>
        rowKey="id"
        size="middle"
        loading={loading}
        dataSource={data ?? []}
        pagination={false}
        scroll={{ x: 'max-content' }}
        columns={[
          {
            title: t('users.username'),
            dataIndex: 'username',
            render: (v: string, u) => (
              <div>
                <Typography.Text strong>{u.displayName || v}</Typography.Text>
                {u.displayName && (
                  <div>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {v}
                    </Typography.Text>
                  </div>
                )}
              </div>
            ),
          },
          {
            title: t('users.role'),
            dataIndex: 'role',
            render: (r: Role, u) =>
              u.id === me?.id ? (
                <RoleTag role={r} />
              ) : (
                <Select
                  size="small"
                  value={r}
                  style={{ width: 130 }}
                  aria-label={t('users.role')}
                  onChange={(role) => void patch(u, { role })}
                  options={ROLES.map((x) => ({ value: x, label: t(`roles.${x}`) }))}
                />
              ),
          },
          { title: t('users.venue'), dataIndex: 'venueId', render: (v: number | null) => venueName(v), responsive: ['md'] },
          {
            title: t('users.active'),
            dataIndex: 'active',
            render: (a: boolean, u) =>
              u.id === me?.id ? (
                <Badge status="success" text={t('users.you')} />
              ) : (
                <Switch
                  size="small"
                  checked={a}
                  aria-label={t('users.active')}
                  onChange={(active) =>
                    active
                      ? void patch(u, { active })
                      : modal.confirm({
                          title: t('users.deactivateTitle', { name: u.username }),
                          content: t('users.deactivateHint'),
                          okButtonProps: { danger: true },
                          onOk: () => patch(u, { active }),
                        })
                  }
                />
              ),
          },
          { title: t('users.createdAt'), dataIndex: 'createdAt', render: (v: string) => f.date(v), responsive: ['lg'] },
        ]}
      />
      <Modal
        open={open}
        title={t('users.add')}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        confirmLoading={busy}
        okText={t('common.create')}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" onFinish={create} initialValues={{ role: 'staff' }}>
          <Form.Item name="username" label={t('users.username')} rules={[{ required: true, min: 2, max: 64 }]}>
            <Input autoComplete="off" />
          </Form.Item>
          <Form.Item name="displayName" label={t('users.displayName')}>
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item name="role" label={t('users.role')} rules={[{ required: true }]} extra={t('users.roleHelp')}>
            <Select options={ROLES.map((x) => ({ value: x, label: t(`roles.${x}`) }))} />
          </Form.Item>
          <Form.Item name="venueId" label={t('users.venue')}>
            <Select allowClear options={venueOptions} />
          </Form.Item>
          <Form.Item name="password" label={t('users.password')} extra={t('users.passwordHelp')}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        </Form>
        <Alert type="info" showIcon title={t('users.rolesNote')} />
      </Modal>
    </>
  );
}
