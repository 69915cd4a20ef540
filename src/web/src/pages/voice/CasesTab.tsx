import { CheckOutlined, PlusOutlined } from '@ant-design/icons';
import {
  App,
  Badge,
  Button,
  Card,
  Col,
  Descriptions,
  Drawer,
  Flex,
  Form,
  Input,
  Modal,
  Row,
  Select,
  Statistic,
  Steps,
  Switch,
  Table,
  Tag,
  Timeline,
  Tooltip,
  Typography,
} from 'antd';
import type { TableColumnsType } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api } from '../../api/client';
import { RECOVERY_STEPS, type Case, type CaseDetail, type RecoveryOutcomes, type SlaState } from '../../api/voice';
import { EmptyState, ErrorState, Loading } from '../../components/states';
import { useFormat } from '../../lib/format';
import { useSession } from '../../lib/session';
import { useApi } from '../../lib/useApi';

const SLA_COLORS: Record<SlaState, string> = { ok: 'green', warning: 'orange', breached: 'red' };
const SEVERITY_COLORS: Record<string, string> = { critical: 'magenta', high: 'red', normal: 'blue', low: 'default' };

function useDuration(): (ms: number) => string {
  const { t } = useTranslation();
  return (ms) => {
    const abs = Math.abs(ms);
    const h = Math.floor(abs / 3_600_000);
    const d = Math.floor(h / 24);
    const text = d >= 1 ? t('voice.dh', { d, h: h % 24 }) : t('voice.hm', { h, m: Math.floor((abs % 3_600_000) / 60_000) });
    return ms < 0 ? t('voice.overdue', { t: text }) : t('voice.left', { t: text });
  };
}

function CaseDrawer({ id, onClose, onChanged }: { id: number | null; onClose(): void; onChanged(): void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { message } = App.useApp();
  const dur = useDuration();
  const { data, error, reload } = useApi<CaseDetail>(id === null ? null : `/api/cases/${id}`);
  const [note, setNote] = useState('');
  const [toCustomer, setToCustomer] = useState(true);
  const [busy, setBusy] = useState<string | null>(null);
  const act = async (key: string, path: string, body?: unknown) => {
    setBusy(key);
    try {
      await api(path, { method: 'POST', body: body ?? {} });
      reload();
      onChanged();
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setBusy(null);
    }
  };
  const c = data && data.id === id ? data : null;
  const current = c ? c.steps.findIndex((s) => s.status === 'pending') : -1;
  return (
    <Drawer open={id !== null} onClose={onClose} size={640} title={c ? c.subject : t('voice.case')} destroyOnHidden>
      {error ? (
        <ErrorState error={error} onRetry={reload} />
      ) : !c ? (
        <Loading rows={8} />
      ) : (
        <Flex vertical gap={16}>
          <Flex gap={8} wrap>
            <Tag color={SLA_COLORS[c.sla.state]}>{t(`voice.sla_${c.sla.state}`)}</Tag>
            <Tag color={SEVERITY_COLORS[c.severity] ?? 'default'}>{t(`voice.severity_${c.severity}`, { defaultValue: c.severity })}</Tag>
            <Tag>{t(`voice.caseStatus_${c.status}`)}</Tag>
            <Tag bordered={false}>{t(`voice.channel_${c.channel}`, { defaultValue: c.channel })}</Tag>
          </Flex>
          <Descriptions
            size="small"
            column={{ xs: 1, sm: 2 }}
            items={[
              { key: 'customer', label: t('voice.customer'), children: c.customerId ? <Link to={`/customers/${c.customerId}`}>#{c.customerId}</Link> : '—' },
              { key: 'category', label: t('voice.category'), children: t(`voice.cat_${c.category}`, { defaultValue: c.category }) },
              { key: 'opened', label: t('voice.opened'), children: f.dateTime(c.openedAt) },
              {
                key: 'first',
                label: t('voice.firstResponse'),
                children: c.firstResponseAt ? f.dateTime(c.firstResponseAt) : <Typography.Text type={c.sla.firstResponse.state === 'ok' ? undefined : 'danger'}>{dur(c.sla.firstResponse.remainingMs)}</Typography.Text>,
              },
              {
                key: 'res',
                label: t('voice.resolution'),
                children: c.resolvedAt ? f.dateTime(c.resolvedAt) : <Typography.Text type={c.sla.resolution.state === 'ok' ? undefined : 'danger'}>{dur(c.sla.resolution.remainingMs)}</Typography.Text>,
              },
            ]}
          />
          {c.description && <Typography.Paragraph>{c.description}</Typography.Paragraph>}
          <Card size="small" title={t('voice.recoverySteps')}>
            <Steps
              orientation="vertical"
              size="small"
              current={current < 0 ? RECOVERY_STEPS.length : current}
              items={c.steps.map((s) => ({
                title: t(`voice.step_${s.step}`),
                status: s.status === 'done' ? 'finish' : s.status === 'skipped' ? 'error' : c.steps.indexOf(s) === current ? 'process' : 'wait',
                content: (
                  <Flex vertical gap={4}>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {s.status === 'pending' ? t(`voice.stepHint_${s.step}`) : `${t(`voice.stepStatus_${s.status}`)} · ${f.dateTime(s.doneAt)} · ${s.doneBy ?? ''}${s.note ? ` · ${s.note}` : ''}`}
                    </Typography.Text>
                    {s.status === 'pending' && c.status !== 'closed' && (
                      <Button size="small" icon={<CheckOutlined />} loading={busy === s.step} onClick={() => act(s.step, `/api/cases/${c.id}/steps/${s.step}`, { status: 'done' })} style={{ alignSelf: 'flex-start' }}>
                        {t('voice.markDone')}
                      </Button>
                    )}
                  </Flex>
                ),
              }))}
            />
          </Card>
          <Card size="small" title={t('voice.addNote')}>
            <Flex vertical gap={8}>
              <Input.TextArea rows={3} value={note} onChange={(e) => setNote(e.target.value)} maxLength={5000} aria-label={t('voice.addNote')} />
              <Flex justify="space-between" align="center" wrap gap={8}>
                <Flex gap={6} align="center">
                  <Switch size="small" checked={toCustomer} onChange={setToCustomer} aria-label={t('voice.toCustomer')} />
                  <Typography.Text>{t('voice.toCustomer')}</Typography.Text>
                </Flex>
                <Flex gap={8}>
                  {c.status === 'open' && (
                    <Button loading={busy === 'resolve'} onClick={() => act('resolve', `/api/cases/${c.id}/resolve`, note ? { note } : {})}>
                      {t('voice.resolve')}
                    </Button>
                  )}
                  <Button
                    type="primary"
                    disabled={!note.trim()}
                    loading={busy === 'note'}
                    onClick={async () => {
                      await act('note', `/api/cases/${c.id}/notes`, { text: note.trim(), toCustomer });
                      setNote('');
                    }}
                  >
                    {t('voice.saveNote')}
                  </Button>
                </Flex>
              </Flex>
            </Flex>
          </Card>
          <Card size="small" title={t('voice.history')}>
            <Timeline
              items={[...c.events].reverse().map((e) => ({
                key: e.id,
                content: (
                  <div>
                    <Typography.Text strong>{t(`voice.event_${e.kind}`, { defaultValue: e.kind })}</Typography.Text>
                    <Typography.Text type="secondary"> · {e.actor}</Typography.Text>
                    <div>
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                        {f.dateTime(e.at)}
                        {typeof (e.detail as { text?: string } | null)?.text === 'string' ? ` · ${(e.detail as { text: string }).text}` : ''}
                      </Typography.Text>
                    </div>
                  </div>
                ),
              }))}
            />
          </Card>
        </Flex>
      )}
    </Drawer>
  );
}

function NewCase({ onDone }: { onDone(id: number): void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm();
  const submit = async (v: { subject: string; channel: string; category: string; severity: string; customerExternalId?: string; description?: string }) => {
    setBusy(true);
    try {
      const c = await api<CaseDetail>('/api/cases', { method: 'POST', body: { ...v, customerExternalId: v.customerExternalId || undefined, description: v.description || undefined } });
      setOpen(false);
      form.resetFields();
      onDone(c.id);
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen(true)}>
        {t('voice.newCase')}
      </Button>
      <Modal open={open} title={t('voice.newCase')} onCancel={() => setOpen(false)} onOk={() => form.submit()} confirmLoading={busy} okText={t('common.create')} destroyOnHidden>
        <Form form={form} layout="vertical" onFinish={submit} initialValues={{ channel: 'phone', severity: 'normal', category: 'service' }}>
          <Form.Item name="subject" label={t('voice.subject')} rules={[{ required: true, max: 200 }]}>
            <Input />
          </Form.Item>
          <Row gutter={12}>
            <Col span={8}>
              <Form.Item name="channel" label={t('voice.channel')}>
                <Select options={['phone', 'visit', 'email', 'web', 'social', 'other'].map((c) => ({ value: c, label: t(`voice.channel_${c}`) }))} />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="severity" label={t('voice.severity')}>
                <Select options={['low', 'normal', 'high', 'critical'].map((s) => ({ value: s, label: t(`voice.severity_${s}`) }))} />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="category" label={t('voice.category')} rules={[{ required: true, max: 60 }]}>
                <Input />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item name="customerExternalId" label={t('voice.customerId')}>
            <Input />
          </Form.Item>
          <Form.Item name="description" label={t('voice.description')}>
            <Input.TextArea rows={3} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

function Outcomes() {
  const { t } = useTranslation();
  const f = useFormat();
  const { can } = useSession();
  const { data } = useApi<RecoveryOutcomes>(can('analytics:read') ? '/api/cases/outcomes' : null);
  if (!data) return null;
  const r = data.repurchase;
  const sat = data.satisfactionAfterRecovery.followUp ?? data.satisfactionAfterRecovery.survey;
  return (
    <Card size="small" variant="outlined" title={t('voice.outcomes')}>
      <Row gutter={[16, 16]}>
        <Col xs={12} md={6}>
          <Statistic title={t('voice.resolvedCases')} value={f.integer(data.resolvedCases)} />
        </Col>
        <Col xs={12} md={6}>
          <Statistic title={t('voice.satisfactionAfter')} value={sat ? f.percent(sat.rate) : '—'} />
        </Col>
        <Col xs={12} md={6}>
          <Statistic title={t('voice.repurchaseRecovered')} value={f.percent(r.recovered.rate)} />
        </Col>
        <Col xs={12} md={6}>
          <Statistic title={t('voice.repurchaseComparison')} value={f.percent(r.comparison.rate)} />
        </Col>
      </Row>
      <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: 12, marginBottom: 0 }}>
        {r.result ? (
          t('voice.outcomeResult', { diff: f.percent(r.result.difference), p: f.number(r.result.pValue, 3) })
        ) : (
          <Tooltip title={r.reason ?? undefined}>
            <span tabIndex={0}>{t('voice.outcomeNone')}</span>
          </Tooltip>
        )}
      </Typography.Paragraph>
    </Card>
  );
}

export default function CasesTab() {
  const { t } = useTranslation();
  const f = useFormat();
  const dur = useDuration();
  const { can } = useSession();
  const [status, setStatus] = useState<string | undefined>('open');
  const [sla, setSla] = useState<string | undefined>(undefined);
  const [openId, setOpenId] = useState<number | null>(null);
  const list = useApi<{ items: Case[]; nextBefore: number | null }>(can('cases:write') ? '/api/cases' : null, { status, sla, limit: 100 });
  if (!can('cases:write')) return <EmptyState title={t('voice.casesNeedPermission')} />;
  if (list.error) return <ErrorState error={list.error} onRetry={list.reload} />;
  const items = list.data?.items ?? [];
  const counts = { ok: 0, warning: 0, breached: 0 } as Record<SlaState, number>;
  for (const c of items) if (c.status === 'open') counts[c.sla.state]++;
  const columns: TableColumnsType<Case> = [
    {
      title: t('voice.subject'),
      dataIndex: 'subject',
      render: (v: string, c) => (
        <Typography.Link onClick={() => setOpenId(c.id)} data-testid="case-link">
          {v}
        </Typography.Link>
      ),
    },
    { title: t('voice.sla'), key: 'sla', render: (_, c) => <Badge color={SLA_COLORS[c.sla.state]} text={t(`voice.sla_${c.sla.state}`)} /> },
    {
      title: t('voice.due'),
      key: 'due',
      responsive: ['md'],
      render: (_, c) => {
        if (c.status !== 'open') return t(`voice.caseStatus_${c.status}`);
        // Until someone answers the customer, the first-response clock is the one that matters.
        const first = c.sla.firstResponse.completedAt === null;
        const clock = first ? c.sla.firstResponse : c.sla.resolution;
        return (
          <span>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {first ? t('voice.firstResponse') : t('voice.resolution')}{' '}
            </Typography.Text>
            <Typography.Text type={clock.remainingMs < 0 ? 'danger' : clock.state === 'warning' ? 'warning' : undefined}>{dur(clock.remainingMs)}</Typography.Text>
          </span>
        );
      },
    },
    { title: t('voice.severity'), dataIndex: 'severity', render: (s: string) => <Tag color={SEVERITY_COLORS[s] ?? 'default'}>{t(`voice.severity_${s}`, { defaultValue: s })}</Tag> },
    { title: t('voice.category'), dataIndex: 'category', responsive: ['lg'], render: (v: string) => t(`voice.cat_${v}`, { defaultValue: v }) },
    { title: t('voice.channel'), dataIndex: 'channel', responsive: ['lg'], render: (v: string) => t(`voice.channel_${v}`, { defaultValue: v }) },
    { title: t('voice.steps'), dataIndex: 'stepsCompleted', render: (n: number) => <span className="num">{n} / 6</span> },
    { title: t('voice.opened'), dataIndex: 'openedAt', responsive: ['md'], render: (v: string) => f.dateTime(v) },
  ];
  return (
    <Flex vertical gap={16}>
      <Row gutter={[16, 16]}>
        {(['breached', 'warning', 'ok'] as const).map((s) => (
          <Col key={s} xs={8}>
            <Card size="small" hoverable onClick={() => setSla(sla === s ? undefined : s)} style={{ borderColor: sla === s ? '#2f54eb' : undefined }}>
              <Statistic title={<Badge color={SLA_COLORS[s]} text={t(`voice.sla_${s}`)} />} value={f.integer(counts[s])} />
            </Card>
          </Col>
        ))}
      </Row>
      <Flex justify="space-between" wrap gap={8}>
        <Flex gap={8} wrap>
          <Select
            value={status ?? 'all'}
            onChange={(v) => setStatus(v === 'all' ? undefined : v)}
            style={{ width: 140 }}
            aria-label={t('voice.status')}
            options={['all', 'open', 'resolved', 'closed'].map((s) => ({ value: s, label: s === 'all' ? t('voice.allStatuses') : t(`voice.caseStatus_${s}`) }))}
          />
          <Select
            value={sla ?? 'all'}
            onChange={(v) => setSla(v === 'all' ? undefined : v)}
            style={{ width: 140 }}
            aria-label={t('voice.sla')}
            options={['all', 'breached', 'warning', 'ok'].map((s) => ({ value: s, label: s === 'all' ? t('voice.allSla') : t(`voice.sla_${s}`) }))}
          />
        </Flex>
        <NewCase
          onDone={(id) => {
            list.reload();
            setOpenId(id);
          }}
        />
      </Flex>
      <Table<Case>
        rowKey="id"
        size="middle"
        loading={list.loading}
        dataSource={items}
        columns={columns}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: <EmptyState title={t('voice.noCases')} /> }}
      />
      <Outcomes />
      <CaseDrawer id={openId} onClose={() => setOpenId(null)} onChanged={list.reload} />
    </Flex>
  );
}
