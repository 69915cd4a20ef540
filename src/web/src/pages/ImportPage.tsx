import {
  CheckCircleOutlined,
  CloudUploadOutlined,
  DownloadOutlined,
  FileTextOutlined,
  InboxOutlined,
  ReloadOutlined,
  WarningOutlined,
} from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Collapse,
  Descriptions,
  Flex,
  Form,
  Input,
  Progress,
  Result,
  Row,
  Select,
  Statistic,
  Steps,
  Switch,
  Table,
  Tag,
  Typography,
  Upload,
} from 'antd';
import type { TableColumnsType } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { api, ApiError, upload, type UploadProgress } from '../api/client';
import type { ImportBatch, ImportSummary } from '../api/types';
import { PageHeader } from '../components/PageHeader';
import { EmptyState } from '../components/states';
import { useCapabilities } from '../lib/capabilities';
import { downloadText, toCsv } from '../lib/csv';
import { useFormat } from '../lib/format';
import { FIELDS, mappingOverrides, previewFile, type Field, type FilePreview } from '../lib/preview';
import { useSession } from '../lib/session';
import { useApi } from '../lib/useApi';

type Phase = 'choose' | 'map' | 'running' | 'done';

interface Options {
  dateFormat: 'auto' | 'iso' | 'ymd' | 'dmy' | 'mdy';
  decimalSeparator: '.' | ',';
  returnPrefix: string;
  defaultDate: string;
  idPrefix: string;
}


function formatBytes(n: number, locale: string): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let i = 0;
  let x = n;
  while (x >= 1024 && i < units.length - 1) {
    x /= 1024;
    i++;
  }
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: i ? 1 : 0 }).format(x)} ${units[i]}`;
}

interface RejectRow {
  line: number;
  reason: string;
  raw: string | null;
}

interface RejectPage {
  items: RejectRow[];
  nextAfterLine: number | null;
}

/** Rows the download walks at most (a file with more rejects needs fixing at the source first). */
const REJECTS_DOWNLOAD_MAX = 100_000;

/** Rejected rows of a batch, from GET /api/imports/:id/rejects (paged by line number). */
function Rejects({ summary }: { summary: ImportSummary }) {
  const { t } = useTranslation();
  const f = useFormat();
  const caps = useCapabilities();
  const { can } = useSession();
  const { message } = App.useApp();
  const available = caps.has('GET', '/api/imports/:id/rejects') && can('imports:read');
  const [first, setFirst] = useState<RejectPage | null>(null);
  const [busy, setBusy] = useState<'show' | 'download' | null>(null);
  const path = `/api/imports/${summary.batchId}/rejects`;

  const show = async () => {
    setBusy('show');
    try {
      setFirst(await api<RejectPage>(path, { query: { limit: 200 } }));
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setBusy(null);
    }
  };
  const download = async () => {
    setBusy('download');
    try {
      const rows: RejectRow[] = [];
      let after: number | null | undefined;
      do {
        const page: RejectPage = await api<RejectPage>(path, { query: { limit: 1000, afterLine: after ?? undefined } });
        rows.push(...page.items);
        after = page.nextAfterLine;
      } while (after !== null && rows.length < REJECTS_DOWNLOAD_MAX);
      downloadText(`${summary.source}.rejects.csv`, toCsv(['line', 'reason', 'raw'], rows.map((x) => [x.line, x.reason, x.raw])));
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setBusy(null);
    }
  };
  const rows = first?.items;

  return (
    <Alert
      type="warning"
      showIcon
      icon={<WarningOutlined />}
      data-testid="rejects-alert"
      title={t('import.rejectedTitle', { n: f.integer(summary.rejected) })}
      description={
        <Flex vertical gap={8}>
          <span>{t('import.rejectedHint')}</span>
          {available ? (
            <Flex gap={8} wrap>
              <Button size="small" onClick={show} loading={busy === 'show'} data-testid="rejects-show">
                {t('import.showRejects')}
              </Button>
              <Button size="small" icon={<DownloadOutlined />} onClick={download} loading={busy === 'download'}>
                {t('import.downloadRejects')}
              </Button>
            </Flex>
          ) : (
            <Typography.Text type="secondary">
              {t('import.rejectsApiMissing')} <Typography.Text code>patron import orders FILE</Typography.Text>
            </Typography.Text>
          )}
          {rows && (
            <Table<RejectRow>
              size="small"
              rowKey="line"
              dataSource={rows}
              pagination={{ pageSize: 10, hideOnSinglePage: true }}
              scroll={{ x: 'max-content' }}
              columns={[
                { title: t('import.line'), dataIndex: 'line', width: 80 },
                { title: t('import.reason'), dataIndex: 'reason' },
                { title: t('import.raw'), dataIndex: 'raw', ellipsis: true, render: (v: string | null) => (v ? <Typography.Text code>{v}</Typography.Text> : '—') },
              ]}
            />
          )}
          {first?.nextAfterLine != null && <Typography.Text type="secondary">{t('import.moreRejects', { n: f.integer(first.items.length) })}</Typography.Text>}
        </Flex>
      }
    />
  );
}

function SummaryView({ summary, onAgain }: { summary: ImportSummary; onAgain(): void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const stats: [string, number, string?][] = [
    [t('import.read'), summary.read],
    [t('import.imported'), summary.imported, '#389e0d'],
    [t('import.updated'), summary.updated, '#2f54eb'],
    [t('import.unchanged'), summary.unchanged],
    [t('import.rejected'), summary.rejected, summary.rejected ? '#d4380d' : undefined],
  ];
  return (
    <Flex vertical gap={16} data-testid="import-summary">
      <Result
        status={summary.rejected ? 'warning' : 'success'}
        icon={summary.rejected ? undefined : <CheckCircleOutlined />}
        title={t('import.doneTitle', { file: summary.source })}
        subTitle={t('import.doneSub', { orders: f.integer(summary.orders), lines: f.integer(summary.lines), seconds: f.number(summary.durationMs / 1000, 1) })}
        extra={[
          <Button key="again" icon={<ReloadOutlined />} onClick={onAgain}>
            {t('import.another')}
          </Button>,
          <Link key="customers" to="/customers">
            <Button type="primary">{t('import.viewCustomers')}</Button>
          </Link>,
        ]}
        style={{ paddingBottom: 0 }}
      />
      <Row gutter={[16, 16]}>
        {stats.map(([label, value, color]) => (
          <Col key={label} flex="1 1 150px">
            <Card size="small" variant="outlined">
              <Statistic title={label} value={f.integer(value)} styles={color ? { content: { color } } : undefined} />
            </Card>
          </Col>
        ))}
      </Row>
      {summary.rejected > 0 && <Rejects summary={summary} />}
      <Descriptions
        size="small"
        bordered
        column={{ xs: 1, sm: 2, lg: 3 }}
        items={[
          { key: 'anon', label: t('import.anonymous'), children: f.integer(summary.anonymous) },
          { key: 'returns', label: t('import.returns'), children: f.integer(summary.returns) },
          { key: 'cust', label: t('import.customersCreated'), children: f.integer(summary.customersCreated) },
          { key: 'prod', label: t('import.productsCreated'), children: f.integer(summary.productsCreated) },
          { key: 'venues', label: t('import.venuesCreated'), children: f.integer(summary.venuesCreated) },
          { key: 'enc', label: t('import.encoding'), children: `${summary.encoding} · ${summary.delimiter === '\t' ? 'TAB' : summary.delimiter}` },
        ]}
      />
    </Flex>
  );
}

function History({ refreshKey }: { refreshKey: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { can } = useSession();
  const { data, loading, reload } = useApi<{ items: ImportBatch[] }>(can('imports:read') ? '/api/imports' : null, { limit: 20 });
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    reload();
  }, [refreshKey, reload]);
  if (!can('imports:read')) return null;
  const columns: TableColumnsType<ImportBatch> = [
    {
      title: t('import.file'),
      dataIndex: 'sourceName',
      render: (v: string) => (
        <Flex gap={6} align="center">
          <FileTextOutlined style={{ color: '#8c8c8c' }} />
          {v}
        </Flex>
      ),
    },
    { title: t('import.startedAt'), dataIndex: 'startedAt', width: 160, render: (v: string) => f.dateTime(v), responsive: ['md'] },
    {
      title: t('import.status'),
      dataIndex: 'status',
      width: 100,
      render: (s: ImportBatch['status']) => <Tag color={s === 'completed' ? 'green' : s === 'failed' ? 'red' : 'blue'}>{t(`import.status_${s}`)}</Tag>,
    },
    { title: t('import.read'), key: 'read', align: 'right', render: (_, b) => f.integer(b.summary?.read) },
    { title: t('import.imported'), key: 'imported', align: 'right', render: (_, b) => f.integer(b.summary?.imported), responsive: ['sm'] },
    { title: t('import.updated'), key: 'updated', align: 'right', render: (_, b) => f.integer(b.summary?.updated), responsive: ['lg'] },
    {
      title: t('import.rejected'),
      key: 'rejected',
      align: 'right',
      render: (_, b) => <span style={{ color: b.summary?.rejected ? '#d4380d' : undefined }}>{f.integer(b.summary?.rejected)}</span>,
    },
    { title: t('import.actor'), dataIndex: 'actor', responsive: ['lg'] },
  ];
  return (
    <Card className="panel" variant="borderless" title={t('import.history')} style={{ marginTop: 16 }}>
      <Table<ImportBatch>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={data?.items ?? []}
        columns={columns}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: <EmptyState title={t('import.noHistory')} /> }}
      />
    </Card>
  );
}

export default function ImportPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const { message } = App.useApp();
  const [phase, setPhase] = useState<Phase>('choose');
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<FilePreview | null>(null);
  const [chosen, setChosen] = useState<(Field | null)[]>([]);
  const [hasHeader, setHasHeader] = useState(true);
  const [options, setOptions] = useState<Options>({ dateFormat: 'auto', decimalSeparator: '.', returnPrefix: '', defaultDate: '', idPrefix: '' });
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const [elapsed, setElapsed] = useState(0);
  const [summary, setSummary] = useState<ImportSummary | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [historyKey, setHistoryKey] = useState(0);
  const abortRef = useRef<(() => void) | null>(null);

  useEffect(() => {
    if (phase !== 'running') return;
    const started = Date.now();
    const h = setInterval(() => setElapsed(Math.floor((Date.now() - started) / 1000)), 500);
    return () => clearInterval(h);
  }, [phase]);

  const choose = async (fl: File) => {
    setFile(fl);
    setError(null);
    try {
      const p = await previewFile(fl);
      setPreview(p);
      setChosen(p.auto);
      setHasHeader(p.hasHeader);
      setPhase('map');
    } catch (e) {
      message.error((e as Error).message);
    }
  };

  const reset = () => {
    setPhase('choose');
    setFile(null);
    setPreview(null);
    setSummary(null);
    setError(null);
    setProgress(null);
  };

  const mapped = new Set(chosen.filter(Boolean));
  const missingDate = !mapped.has('date') && !options.defaultDate;
  const missingAmount = !mapped.has('amount') && !mapped.has('unit_price');

  const run = async () => {
    if (!file || !preview) return;
    const form = new FormData();
    // Text fields first: the server reads parts in order.
    form.append('header', hasHeader ? 'true' : 'false');
    if (preview.delimiter) form.append('delimiter', preview.delimiter === '\t' ? 'tab' : preview.delimiter);
    if (options.dateFormat !== 'auto') form.append('dateFormat', options.dateFormat);
    if (options.decimalSeparator !== '.') form.append('decimalSeparator', options.decimalSeparator);
    if (options.returnPrefix) form.append('returnPrefix', options.returnPrefix);
    if (options.defaultDate) form.append('defaultDate', options.defaultDate);
    if (options.idPrefix) form.append('idPrefix', options.idPrefix);
    const overrides = mappingOverrides(hasHeader ? preview.auto : preview.auto.map(() => null), chosen);
    if (Object.keys(overrides).length) form.append('map', JSON.stringify(overrides));
    form.append('file', file, file.name);
    setPhase('running');
    setElapsed(0);
    setProgress({ loaded: 0, total: file.size, processing: false });
    setError(null);
    const job = upload<ImportSummary>('/api/imports/orders', form, setProgress, { progressLines: true });
    abortRef.current = job.abort;
    try {
      const s = await job.promise;
      setSummary(s);
      setPhase('done');
      setHistoryKey((k) => k + 1);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'CLIENT', String(e)));
      setPhase('map');
    } finally {
      abortRef.current = null;
    }
  };

  const fieldOptions = useMemo(
    () => [
      { value: '', label: <Typography.Text type="secondary">{t('import.ignore')}</Typography.Text> },
      ...FIELDS.map((fl) => ({ value: fl, label: t(`fields.${fl}`) })),
    ],
    [t],
  );

  const step = phase === 'choose' ? 0 : phase === 'map' ? 1 : phase === 'running' ? 2 : 3;
  // Uploading: share of bytes sent. Importing: share of the file's bytes the server has imported.
  const imported = progress?.imported;
  const pct = !progress
    ? 0
    : progress.processing
      ? imported && imported.totalBytes > 0
        ? Math.min(99, Math.round((imported.bytes / imported.totalBytes) * 100))
        : 100
      : Math.round((progress.loaded / Math.max(1, progress.total)) * 100);

  return (
    <>
      <PageHeader title={t('import.title')} subtitle={t('import.subtitle')} />
      <Card className="panel" variant="borderless">
        <Steps
          current={step}
          size="small"
          style={{ marginBottom: 24 }}
          items={[{ title: t('import.stepChoose') }, { title: t('import.stepMap') }, { title: t('import.stepRun') }, { title: t('import.stepDone') }]}
        />
        {phase === 'choose' && (
          <Flex vertical gap={16} data-testid="import-dropzone">
            <Upload.Dragger
              accept=".csv,.tsv,.txt,text/csv,text/plain"
              multiple={false}
              showUploadList={false}
              beforeUpload={(fl) => {
                void choose(fl);
                return false;
              }}
            >
              <p className="ant-upload-drag-icon">
                <InboxOutlined />
              </p>
              <p className="ant-upload-text">{t('import.dropTitle')}</p>
              <p className="ant-upload-hint">{t('import.dropHint')}</p>
            </Upload.Dragger>
            <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
              {t('import.formatsHint')}
            </Typography.Paragraph>
          </Flex>
        )}
        {phase === 'map' && preview && file && (
          <Flex vertical gap={16}>
            <Flex justify="space-between" align="center" wrap gap={8}>
              <Flex gap={8} align="center" wrap>
                <FileTextOutlined />
                <Typography.Text strong>{file.name}</Typography.Text>
                <Tag>{formatBytes(file.size, f.locale)}</Tag>
                <Tag>{preview.encoding.toUpperCase()}</Tag>
                <Tag>{t('import.delimiter')}: {preview.delimiter === '\t' ? 'TAB' : preview.delimiter === 'whitespace' ? t('import.whitespace') : preview.delimiter}</Tag>
              </Flex>
              <Flex gap={8} align="center">
                <Typography.Text>{t('import.firstRowHeader')}</Typography.Text>
                <Switch
                  checked={hasHeader}
                  aria-label={t('import.firstRowHeader')}
                  onChange={(v) => {
                    setHasHeader(v);
                    setChosen(v ? preview.auto : preview.auto.map(() => null));
                  }}
                />
              </Flex>
            </Flex>
            {error && <Alert type="error" showIcon title={t('import.failed')} description={error.message} role="alert" />}
            <Typography.Text type="secondary">{t('import.mapHint')}</Typography.Text>
            <div style={{ overflowX: 'auto' }}>
              <table className="preview-table" data-testid="import-preview">
                <thead>
                  <tr>
                    {Array.from({ length: preview.columns }, (_, i) => (
                      <th key={i}>
                        <div className="preview-col">{hasHeader && preview.header ? preview.header[i] : t('import.column', { n: i + 1 })}</div>
                        <Select
                          size="small"
                          value={chosen[i] ?? ''}
                          options={fieldOptions}
                          onChange={(v: string) =>
                            setChosen((c) => {
                              const next = [...c];
                              // One column per field: taking a field from another column frees it there.
                              if (v) for (let j = 0; j < next.length; j++) if (next[j] === v) next[j] = null;
                              next[i] = (v || null) as Field | null;
                              return next;
                            })
                          }
                          aria-label={t('import.fieldFor', { n: i + 1 })}
                          style={{ width: 150 }}
                          popupMatchSelectWidth={false}
                        />
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {(hasHeader ? preview.rows : preview.header ? [preview.header, ...preview.rows] : preview.rows).slice(0, 8).map((r, ri) => (
                    <tr key={ri}>
                      {Array.from({ length: preview.columns }, (_, i) => (
                        <td key={i} className={chosen[i] ? undefined : 'ignored'}>
                          {r[i] ?? ''}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {(missingDate || missingAmount) && (
              <Alert
                type="info"
                showIcon
                title={t('import.required')}
                description={[missingDate && t('import.needDate'), missingAmount && t('import.needAmount')].filter(Boolean).join(' ')}
              />
            )}
            <Collapse
              size="small"
              items={[
                {
                  key: 'adv',
                  label: t('import.advanced'),
                  children: (
                    <Form layout="vertical">
                      <Row gutter={16}>
                        <Col xs={24} sm={12} lg={6}>
                          <Form.Item label={t('import.dateFormat')}>
                            <Select
                              value={options.dateFormat}
                              onChange={(v) => setOptions((o) => ({ ...o, dateFormat: v }))}
                              options={(['auto', 'iso', 'ymd', 'dmy', 'mdy'] as const).map((v) => ({ value: v, label: t(`import.df_${v}`) }))}
                            />
                          </Form.Item>
                        </Col>
                        <Col xs={24} sm={12} lg={6}>
                          <Form.Item label={t('import.decimalSeparator')}>
                            <Select
                              value={options.decimalSeparator}
                              onChange={(v) => setOptions((o) => ({ ...o, decimalSeparator: v }))}
                              options={[
                                { value: '.', label: '1,234.50' },
                                { value: ',', label: '1.234,50' },
                              ]}
                            />
                          </Form.Item>
                        </Col>
                        <Col xs={24} sm={12} lg={4}>
                          <Form.Item label={t('import.returnPrefix')} tooltip={t('import.returnPrefixHelp')}>
                            <Input value={options.returnPrefix} maxLength={20} placeholder="C" onChange={(e) => setOptions((o) => ({ ...o, returnPrefix: e.target.value }))} />
                          </Form.Item>
                        </Col>
                        <Col xs={24} sm={12} lg={4}>
                          <Form.Item label={t('import.defaultDate')} tooltip={t('import.defaultDateHelp')}>
                            <Input value={options.defaultDate} placeholder="2024-06-30" onChange={(e) => setOptions((o) => ({ ...o, defaultDate: e.target.value }))} />
                          </Form.Item>
                        </Col>
                        <Col xs={24} sm={12} lg={4}>
                          <Form.Item label={t('import.idPrefix')} tooltip={t('import.idPrefixHelp')}>
                            <Input value={options.idPrefix} maxLength={60} onChange={(e) => setOptions((o) => ({ ...o, idPrefix: e.target.value }))} />
                          </Form.Item>
                        </Col>
                      </Row>
                    </Form>
                  ),
                },
              ]}
            />
            <Flex gap={8} justify="flex-end" wrap>
              <Button onClick={reset}>{t('import.chooseAnother')}</Button>
              <Button type="primary" icon={<CloudUploadOutlined />} onClick={run} disabled={missingDate || missingAmount} data-testid="import-run">
                {t('import.start')}
              </Button>
            </Flex>
          </Flex>
        )}
        {phase === 'running' && file && progress && (
          <Flex vertical align="center" gap={16} style={{ padding: '24px 0' }} data-testid="import-progress">
            <Progress type="circle" percent={pct} status="active" size={120} />
            <Typography.Text strong>{progress.processing ? t('import.processing') : t('import.uploading', { file: file.name })}</Typography.Text>
            <Typography.Text type="secondary">
              {progress.processing
                ? imported
                  ? t('import.processingRows', { rows: f.integer(imported.rows), seconds: elapsed })
                  : t('import.processingHint', { seconds: elapsed })
                : `${formatBytes(progress.loaded, f.locale)} / ${formatBytes(progress.total, f.locale)}`}
            </Typography.Text>
            {!progress.processing && <Button onClick={() => abortRef.current?.()}>{t('common.cancel')}</Button>}
          </Flex>
        )}
        {phase === 'done' && summary && <SummaryView summary={summary} onAgain={reset} />}
      </Card>
      <History refreshKey={historyKey} />
    </>
  );
}
