import { App, Alert, Button, Col, Form, Input, InputNumber, Row, Select, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { Settings } from '../../api/types';
import { Loading } from '../../components/states';
import { makeFormatters } from '../../lib/format';
import { useSession } from '../../lib/session';

const CURRENCIES = ['CNY', 'HKD', 'TWD', 'USD', 'EUR', 'GBP', 'JPY', 'KRW', 'SGD', 'AUD', 'CAD', 'CHF', 'THB', 'MYR'];
const ZONES = [
  'Asia/Shanghai', 'Asia/Hong_Kong', 'Asia/Taipei', 'Asia/Singapore', 'Asia/Tokyo', 'Asia/Seoul', 'Asia/Bangkok', 'Asia/Kolkata',
  'Asia/Dubai', 'Europe/London', 'Europe/Paris', 'Europe/Berlin', 'America/New_York', 'America/Chicago', 'America/Denver',
  'America/Los_Angeles', 'Australia/Sydney', 'UTC',
];

function allZones(): string[] {
  try {
    const list = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone');
    if (list?.length) return Array.from(new Set([...ZONES, ...list]));
  } catch {
    // Older browsers: the short list.
  }
  return ZONES;
}

export function BusinessSettings() {
  const { t, i18n } = useTranslation();
  const { settings, setSettings, can } = useSession();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<Settings>();
  const values = Form.useWatch([], form) as Settings | undefined;
  const zones = useMemo(allZones, []);
  const editable = can('settings:admin');
  if (!settings) return <Loading />;

  const sample = values?.currency
    ? (() => {
        try {
          const fm = makeFormatters(i18n.language, values.currency, values.currencyDecimals ?? 2, values.timeZone || 'UTC');
          return `${fm.money(123456789 / 10 ** (2 - (values.currencyDecimals ?? 2)))} · ${fm.dateTime(new Date().toISOString())}`;
        } catch {
          return '';
        }
      })()
    : '';

  const save = async (v: Settings) => {
    setBusy(true);
    try {
      const r = await api<Settings>('/api/settings', { method: 'PUT', body: v });
      setSettings(r);
      message.success(t('common.saved'));
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Form form={form} layout="vertical" initialValues={settings} onFinish={save} disabled={!editable} style={{ maxWidth: 760 }}>
      {!editable && <Alert type="info" showIcon title={t('settings.readOnly')} style={{ marginBottom: 16 }} />}
      <Form.Item name="name" label={t('settings.businessName')} rules={[{ required: true, max: 200 }]}>
        <Input />
      </Form.Item>
      <Row gutter={16}>
        <Col xs={24} sm={12}>
          <Form.Item name="currency" label={t('settings.currency')} extra={t('settings.currencyHelp')}>
            <Select showSearch options={Array.from(new Set([settings.currency, ...CURRENCIES])).map((c) => ({ value: c, label: c }))} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12}>
          <Form.Item name="currencyDecimals" label={t('settings.decimals')}>
            <InputNumber min={0} max={4} style={{ width: '100%' }} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12}>
          <Form.Item name="timeZone" label={t('settings.timeZone')} extra={t('settings.timeZoneHelp')}>
            <Select showSearch options={zones.map((z) => ({ value: z, label: z }))} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={12}>
          <Form.Item name="locale" label={t('settings.locale')} extra={t('settings.localeHelp')}>
            <Select
              options={[
                { value: 'zh-CN', label: '简体中文' },
                { value: 'en', label: 'English' },
              ]}
            />
          </Form.Item>
        </Col>
      </Row>
      {sample && (
        <Typography.Paragraph type="secondary">
          {t('settings.preview')}: <Typography.Text strong>{sample}</Typography.Text>
        </Typography.Paragraph>
      )}
      {editable && (
        <Button type="primary" htmlType="submit" loading={busy}>
          {t('common.save')}
        </Button>
      )}
    </Form>
  );
}
