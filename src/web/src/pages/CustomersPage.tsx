import {
  ClearOutlined,
  DeleteOutlined,
  DownloadOutlined,
  FilterOutlined,
  ManOutlined,
  SaveOutlined,
  SearchOutlined,
  ShareAltOutlined,
  WomanOutlined,
} from '@ant-design/icons';
import {
  Alert,
  App,
  Avatar,
  Badge,
  Button,
  Card,
  Checkbox,
  Flex,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Select,
  Space,
  Table,
  Tag,
  Tooltip,
  Typography,
} from 'antd';
import type { TableColumnsType } from 'antd';
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import type { Label } from '../api/analytics';
import { api, withQuery } from '../api/client';
import {
  countFilters,
  filterQuery,
  filtersFromParams,
  paramsFromFilters,
  sameFilters,
  type CustomerFilters,
  type CustomerListPage,
  type FilterOptions,
  type SavedSegment,
} from '../api/customers';
import type { Customer } from '../api/types';
import { CursorPager } from '../components/CursorPager';
import { PageHeader } from '../components/PageHeader';
import { EmptyState, ErrorState } from '../components/states';
import { useCapabilities } from '../lib/capabilities';
import { useFormat, type Formatters } from '../lib/format';
import { codeLabel } from '../lib/labels';
import { useSession } from '../lib/session';
import { useApi } from '../lib/useApi';

export function memberLevel(c: Customer): string | null {
  const v = c.attributes?.member_level;
  return typeof v === 'string' && v ? v : null;
}

export const LEVEL_COLORS: Record<string, string> = { platinum: 'purple', gold: 'gold', silver: 'cyan', member: 'default' };

export function CustomerAvatar({ c, size = 32 }: { c: Pick<Customer, 'name' | 'gender' | 'externalId'>; size?: number }) {
  const initial = (c.name ?? c.externalId).trim().slice(0, 1).toUpperCase();
  const bg = c.gender === 'female' || c.gender === 'F' ? '#eb2f96' : c.gender === 'male' || c.gender === 'M' ? '#2f54eb' : '#8c8c8c';
  return (
    <Avatar size={size} style={{ background: bg, flex: 'none' }} aria-hidden>
      {initial}
    </Avatar>
  );
}

/** The churn-risk choice "high": risk (1 - P(alive)) at least this. */
const HIGH_RISK = 0.8;

/** URL parameter of the saved segment the filters came from (not a filter itself). */
const SEGMENT_PARAM = 'segment';

/** A min-max pair of money inputs in major units; applied on Enter or when focus leaves. */
function MoneyRange({
  label,
  min,
  max,
  f,
  onChange,
  testId,
}: {
  label: string;
  min: number | undefined;
  max: number | undefined;
  f: Formatters;
  onChange(min: number | undefined, max: number | undefined): void;
  testId: string;
}) {
  const { t } = useTranslation();
  const scale = 10 ** f.decimals;
  const symbol = useMemo(() => {
    try {
      return new Intl.NumberFormat(f.locale, { style: 'currency', currency: f.currency, currencyDisplay: 'narrowSymbol' })
        .formatToParts(0)
        .find((p) => p.type === 'currency')?.value;
    } catch {
      return f.currency;
    }
  }, [f.locale, f.currency]);
  const [lo, setLo] = useState<number | null>(min === undefined ? null : min / scale);
  const [hi, setHi] = useState<number | null>(max === undefined ? null : max / scale);
  useEffect(() => setLo(min === undefined ? null : min / scale), [min, scale]);
  useEffect(() => setHi(max === undefined ? null : max / scale), [max, scale]);
  const commit = () => {
    const toMinor = (v: number | null) => (v === null || !Number.isFinite(v) ? undefined : Math.round(v * scale));
    const a = toMinor(lo);
    const b = toMinor(hi);
    if (a !== min || b !== max) onChange(a, b);
  };
  return (
    <Space.Compact data-testid={testId}>
      <InputNumber
        value={lo}
        onChange={(v) => setLo(v)}
        onBlur={commit}
        onPressEnter={commit}
        placeholder={`${label} ≥`}
        aria-label={t('customers.filter.minOf', { what: label })}
        prefix={symbol}
        style={{ width: 150 }}
      />
      <InputNumber
        value={hi}
        onChange={(v) => setHi(v)}
        onBlur={commit}
        onPressEnter={commit}
        placeholder={t('customers.filter.max')}
        aria-label={t('customers.filter.maxOf', { what: label })}
        style={{ width: 110 }}
      />
    </Space.Compact>
  );
}

/** One labelled multi-select of the filter bar. */
function MultiFilter<T extends string | number>({
  label,
  value,
  options,
  onChange,
  testId,
  width = 190,
}: {
  label: string;
  value: T[] | undefined;
  options: { value: T; label: ReactNode; title?: string }[] | { label: string; options: { value: T; label: ReactNode }[] }[];
  onChange(v: T[] | undefined): void;
  testId: string;
  width?: number;
}) {
  return (
    <Select<T[]>
      mode="multiple"
      allowClear
      value={value ?? []}
      onChange={(v) => onChange(v.length ? v : undefined)}
      options={options as never}
      placeholder={label}
      aria-label={label}
      maxTagCount="responsive"
      optionFilterProp="title"
      style={{ width }}
      data-testid={testId}
      popupMatchSelectWidth={false}
    />
  );
}

function FilterBar({
  filters,
  options,
  onChange,
  canAnalytics,
}: {
  filters: CustomerFilters;
  options: FilterOptions | undefined;
  onChange(f: CustomerFilters): void;
  canAnalytics: boolean;
}) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const L = (l: Label) => (i18n.language === 'en' ? l.en : l.zh);
  const set = (patch: Partial<CustomerFilters>) => onChange({ ...filters, ...patch });
  const churnValue = filters.churn === 'not-at-risk' ? 'not-at-risk' : filters.churnRiskMin !== undefined ? 'high' : filters.churn === 'at-risk' ? 'at-risk' : undefined;
  const programmes = useMemo(() => {
    const m = new Map<number, { label: string; options: { value: number; label: string; title: string }[] }>();
    for (const x of options?.loyaltyTiers ?? []) {
      let g = m.get(x.programmeId);
      if (!g) m.set(x.programmeId, (g = { label: x.programmeName, options: [] }));
      g.options.push({ value: x.id, label: x.name, title: `${x.programmeName} ${x.name} ${x.code}` });
    }
    return [...m.values()];
  }, [options]);
  return (
    <Flex gap={8} wrap align="center" data-testid="customer-filters" role="group" aria-label={t('customers.filter.title')}>
      {canAnalytics && (
        <>
          <MultiFilter
            label={t('customers.filter.rfmSegment')}
            value={filters.rfmSegment}
            options={(options?.rfmSegments ?? []).map((s) => ({ value: s.id, label: L(s.name), title: `${L(s.name)} ${s.id}` }))}
            onChange={(v) => set({ rfmSegment: v })}
            testId="filter-rfm"
          />
          <MultiFilter
            label={t('customers.filter.eightWay')}
            value={filters.eightWay}
            options={(options?.eightWay ?? []).map((s) => ({ value: s.id, label: `${L(s.name)} ${s.code}`, title: `${L(s.name)} ${s.code}` }))}
            onChange={(v) => set({ eightWay: v })}
            testId="filter-eight-way"
          />
          <MultiFilter
            label={t('customers.filter.valueTier')}
            value={filters.valueTier}
            options={(options?.valueTiers ?? []).map((s) => ({ value: s.id, label: L(s.name), title: L(s.name) }))}
            onChange={(v) => set({ valueTier: v })}
            testId="filter-value-tier"
            width={160}
          />
          <MultiFilter
            label={t('customers.filter.abc')}
            value={filters.abc}
            options={(options?.abc ?? []).map((x) => ({ value: x, label: x, title: x }))}
            onChange={(v) => set({ abc: v })}
            testId="filter-abc"
            width={120}
          />
          <MultiFilter
            label={t('customers.filter.decile')}
            value={filters.decile}
            options={(options?.deciles ?? []).map((x) => ({ value: x, label: t('value.decileN', { n: x }), title: String(x) }))}
            onChange={(v) => set({ decile: v })}
            testId="filter-decile"
            width={140}
          />
        </>
      )}
      {programmes.length > 0 && (
        <MultiFilter
          label={t('customers.filter.loyaltyTier')}
          value={filters.loyaltyTier}
          options={programmes}
          onChange={(v) => set({ loyaltyTier: v })}
          testId="filter-loyalty-tier"
          width={170}
        />
      )}
      {(options?.venues.length ?? 0) > 0 && (
        <Select<number>
          allowClear
          value={filters.venue}
          onChange={(v) => set({ venue: v ?? undefined })}
          options={(options?.venues ?? []).map((v) => ({ value: v.id, label: v.name, title: `${v.name} ${v.code}` }))}
          placeholder={t('customers.filter.venue')}
          aria-label={t('customers.filter.venue')}
          optionFilterProp="title"
          showSearch
          style={{ width: 160 }}
          data-testid="filter-venue"
          popupMatchSelectWidth={false}
        />
      )}
      <Select<string[]>
        mode="tags"
        allowClear
        value={filters.tag ?? []}
        onChange={(v) => set({ tag: v.length ? v.map((x) => x.trim()).filter(Boolean) : undefined })}
        options={(options?.tags ?? []).map((x) => ({ value: x, label: x }))}
        placeholder={t('customers.filter.tag')}
        aria-label={t('customers.filter.tag')}
        maxTagCount="responsive"
        style={{ width: 170 }}
        data-testid="filter-tag"
        tokenSeparators={[',', '，']}
        popupMatchSelectWidth={false}
      />
      {canAnalytics && (
        <>
          <Select<string>
            allowClear
            value={churnValue}
            onChange={(v) =>
              set(
                v === 'high'
                  ? { churn: 'at-risk', churnRiskMin: HIGH_RISK }
                  : v === 'at-risk' || v === 'not-at-risk'
                    ? { churn: v, churnRiskMin: undefined }
                    : { churn: undefined, churnRiskMin: undefined },
              )
            }
            options={[
              { value: 'at-risk', label: t('customers.filter.atRisk') },
              { value: 'high', label: t('customers.filter.highRisk', { pct: f.percent(filters.churnRiskMin ?? HIGH_RISK, 0) }) },
              { value: 'not-at-risk', label: t('customers.filter.notAtRisk') },
            ]}
            placeholder={t('customers.filter.churn')}
            aria-label={t('customers.filter.churn')}
            style={{ width: 160 }}
            data-testid="filter-churn"
            popupMatchSelectWidth={false}
          />
          <MoneyRange
            label={t('customers.filter.revenue')}
            min={filters.revenueMin}
            max={filters.revenueMax}
            f={f}
            onChange={(a, b) => set({ revenueMin: a, revenueMax: b })}
            testId="filter-revenue"
          />
          <MoneyRange
            label={t('customers.filter.clv')}
            min={filters.clvMin}
            max={filters.clvMax}
            f={f}
            onChange={(a, b) => set({ clvMin: a, clvMax: b })}
            testId="filter-clv"
          />
        </>
      )}
    </Flex>
  );
}

/** Picker of saved segments, with save, update and delete. */
function SegmentBar({
  filters,
  selectedId,
  onSelect,
}: {
  filters: CustomerFilters;
  selectedId: number | null;
  onSelect(s: SavedSegment | null, filters?: CustomerFilters): void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useSession();
  const list = useApi<SavedSegment[]>('/api/saved-segments');
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ name: string; shared: boolean }>();
  const selected = list.data?.find((s) => s.id === selectedId) ?? null;
  const mayChange = (s: SavedSegment) => can('segments:write') && (s.mine || (s.shared && can('segments:share')));
  const modified = selected !== null && !sameFilters(selected.filters, filters);
  const mine = (list.data ?? []).filter((s) => s.mine);
  const shared = (list.data ?? []).filter((s) => !s.mine);

  const save = async (v: { name: string; shared: boolean }) => {
    setBusy(true);
    try {
      const s = await api<SavedSegment>('/api/saved-segments', { method: 'POST', body: { name: v.name, shared: !!v.shared, filters } });
      message.success(t('customers.segments.saved', { name: s.name }));
      setOpen(false);
      form.resetFields();
      list.reload();
      onSelect(s);
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const update = async () => {
    if (!selected) return;
    try {
      const s = await api<SavedSegment>(`/api/saved-segments/${selected.id}`, { method: 'PATCH', body: { filters } });
      message.success(t('customers.segments.updated', { name: s.name }));
      list.reload();
    } catch (e) {
      message.error((e as Error).message);
    }
  };
  const remove = async () => {
    if (!selected) return;
    try {
      await api(`/api/saved-segments/${selected.id}`, { method: 'DELETE' });
      message.success(t('customers.segments.deleted', { name: selected.name }));
      list.reload();
      onSelect(null);
    } catch (e) {
      message.error((e as Error).message);
    }
  };
  const label = (s: SavedSegment) => (
    <Flex justify="space-between" gap={8}>
      <span>{s.name}</span>
      {!s.mine && <Typography.Text type="secondary">{s.ownerName ?? s.owner}</Typography.Text>}
    </Flex>
  );

  return (
    <Flex gap={8} wrap align="center">
      <Select<number | null>
        allowClear
        showSearch
        // null, not undefined: the picker stays controlled (undefined hands the value to its own state).
        value={selectedId}
        loading={list.loading}
        placeholder={t('customers.segments.pick')}
        aria-label={t('customers.segments.pick')}
        optionFilterProp="title"
        style={{ width: 240 }}
        data-testid="segment-picker"
        popupMatchSelectWidth={false}
        notFoundContent={<EmptyState title={t('customers.segments.none')} />}
        onChange={(id, option) => {
          if (id === undefined || id === null) return onSelect(null);
          // The segment travels with its option: the list may have been reloaded since this render.
          const s = (Array.isArray(option) ? undefined : (option as { segment?: SavedSegment } | undefined)?.segment) ?? list.data?.find((x) => x.id === id);
          if (s) onSelect(s, s.filters);
        }}
        options={[
          ...(mine.length ? [{ label: t('customers.segments.mine'), options: mine.map((s) => ({ value: s.id, label: label(s), title: s.name, segment: s })) }] : []),
          ...(shared.length ? [{ label: t('customers.segments.shared'), options: shared.map((s) => ({ value: s.id, label: label(s), title: s.name, segment: s })) }] : []),
        ]}
      />
      {selected?.shared && (
        <Tooltip title={t('customers.segments.sharedBy', { name: selected.ownerName ?? selected.owner })}>
          <ShareAltOutlined aria-label={t('customers.segments.sharedBy', { name: selected.ownerName ?? selected.owner })} />
        </Tooltip>
      )}
      {modified && <Tag color="orange">{t('customers.segments.modified')}</Tag>}
      {selected && modified && mayChange(selected) && (
        <Button onClick={update} data-testid="segment-update">
          {t('customers.segments.update')}
        </Button>
      )}
      {can('segments:write') && (
        <Button icon={<SaveOutlined />} onClick={() => setOpen(true)} data-testid="segment-save">
          {t('customers.segments.save')}
        </Button>
      )}
      {selected && mayChange(selected) && (
        <Popconfirm title={t('customers.segments.confirmDelete', { name: selected.name })} onConfirm={remove} okText={t('customers.segments.delete')} cancelText={t('common.cancel')}>
          <Button icon={<DeleteOutlined />} aria-label={t('customers.segments.delete')} data-testid="segment-delete" />
        </Popconfirm>
      )}
      <Modal
        open={open}
        title={t('customers.segments.saveTitle')}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        okText={t('common.save')}
        okButtonProps={{ 'data-testid': 'segment-save-ok' } as never}
        confirmLoading={busy}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary">{t('customers.segments.saveHelp', { n: countFilters(filters) })}</Typography.Paragraph>
        <Form form={form} layout="vertical" onFinish={save} initialValues={{ shared: false }}>
          <Form.Item name="name" label={t('customers.segments.name')} rules={[{ required: true, whitespace: true, max: 100 }]}>
            <Input maxLength={100} autoFocus data-testid="segment-name" />
          </Form.Item>
          {can('segments:share') && (
            <Form.Item name="shared" valuePropName="checked">
              <Checkbox>{t('customers.segments.shareWithAll')}</Checkbox>
            </Form.Item>
          )}
        </Form>
      </Modal>
    </Flex>
  );
}

/** What the filters were computed from, or why nothing can match yet. */
function BasisNote({ basis }: { basis: CustomerListPage['basis'] | undefined }) {
  const { t } = useTranslation();
  const f = useFormat();
  if (!basis) return null;
  const missing: ReactNode[] = [];
  if (basis.snapshot === null) missing.push(<span key="s">{t('customers.basis.noSnapshot')} <Link to="/value">{t('c360.goValue')}</Link></span>);
  if (basis.predictionRun === null) missing.push(<span key="p">{t('customers.basis.noPrediction')} <Link to="/predictions">{t('nav.predictions')}</Link></span>);
  if (basis.churnRun === null) missing.push(<span key="c">{t('customers.basis.noChurn')} <Link to="/predictions">{t('nav.predictions')}</Link></span>);
  if (missing.length) {
    return <Alert type="warning" showIcon style={{ marginBottom: 12 }} message={<Flex vertical gap={4}>{missing}</Flex>} data-testid="basis-missing" />;
  }
  const parts: string[] = [];
  if (basis.snapshot) parts.push(t('customers.basis.snapshot', { date: f.day(basis.snapshot.asOf) }));
  if (basis.predictionRun) parts.push(t('customers.basis.prediction', { date: f.day(basis.predictionRun.asOf) }));
  if (basis.churnRun) parts.push(t('customers.basis.churn', { date: f.day(basis.churnRun.asOf) }));
  if (!parts.length) return null;
  return (
    <Typography.Paragraph type="secondary" style={{ marginBottom: 8, fontSize: 12 }}>
      {parts.join(' · ')}
    </Typography.Paragraph>
  );
}

export default function CustomersPage() {
  const { t } = useTranslation();
  const f = useFormat();
  const navigate = useNavigate();
  const { can } = useSession();
  const caps = useCapabilities();
  const [params, setParams] = useSearchParams();
  const key = params.toString();
  const filters = useMemo(() => filtersFromParams(new URLSearchParams(key)), [key]);
  const q = filters.q ?? '';
  const segmentId = Number(params.get(SEGMENT_PARAM)) || null;
  const [input, setInput] = useState(q);
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [pageSize, setPageSize] = useState(50);
  const page = cursors.length - 1;
  const cursor = cursors[page];
  const canAnalytics = can('analytics:read');
  const hasFilterApi = caps.ready && caps.has('GET', '/api/customers/filter-options');

  // New filters start from the first page.
  const [lastKey, setLastKey] = useState(key);
  if (lastKey !== key) {
    setLastKey(key);
    setInput(q);
    setCursors([undefined]);
  }

  const { data, error, loading, reload } = useApi<CustomerListPage>('/api/customers', { ...filterQuery(filters), limit: pageSize, cursor });
  const options = useApi<FilterOptions>(hasFilterApi ? '/api/customers/filter-options' : null);

  /** Replaces the filters (keeping the saved segment they came from, unless told otherwise). */
  const apply = (next: CustomerFilters, segment: number | null = segmentId) => {
    const p = paramsFromFilters(next);
    if (segment !== null) p.set(SEGMENT_PARAM, String(segment));
    setParams(p);
  };
  const search = (value: string) => apply({ ...filters, q: value.trim() || undefined });
  const nFilters = countFilters(filters);
  const exportUrl = withQuery('/api/customers/export', filterQuery(filters));

  const columns = useMemo<TableColumnsType<Customer>>(
    () => [
      {
        title: t('customers.name'),
        key: 'name',
        fixed: 'left',
        width: 220,
        render: (_, c) => (
          <Flex gap={10} align="center">
            <CustomerAvatar c={c} />
            <div style={{ minWidth: 0 }}>
              <Link to={`/customers/${c.id}`} className="table-link" data-testid="customer-link">
                {c.name || t('customers.unnamed')}
              </Link>
              <div>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {c.externalId}
                </Typography.Text>
              </div>
            </div>
          </Flex>
        ),
      },
      {
        title: t('customers.gender'),
        dataIndex: 'gender',
        width: 64,
        align: 'center',
        responsive: ['lg'],
        render: (g: string | null) =>
          g === 'female' || g === 'F' ? (
            <Tooltip title={t('gender.female')}><WomanOutlined style={{ color: '#eb2f96' }} aria-label={t('gender.female')} /></Tooltip>
          ) : g === 'male' || g === 'M' ? (
            <Tooltip title={t('gender.male')}><ManOutlined style={{ color: '#2f54eb' }} aria-label={t('gender.male')} /></Tooltip>
          ) : (
            '—'
          ),
      },
      { title: t('customers.phone'), dataIndex: 'phone', width: 140, render: (v) => v ?? '—', responsive: ['sm'] },
      { title: t('customers.email'), dataIndex: 'email', ellipsis: true, width: 220, render: (v) => v ?? '—', responsive: ['lg'] },
      { title: t('customers.city'), dataIndex: 'city', width: 100, render: (v) => v ?? '—', responsive: ['md'] },
      {
        title: t('customers.level'),
        key: 'level',
        width: 110,
        render: (_, c) => {
          const l = memberLevel(c);
          return l ? <Tag color={LEVEL_COLORS[l] ?? 'default'}>{t(`levels.${l}`, { defaultValue: l })}</Tag> : '—';
        },
      },
      {
        title: t('customers.tags'),
        dataIndex: 'tags',
        responsive: ['xl'],
        render: (tags: string[]) =>
          tags.length ? (
            <Space size={[0, 4]} wrap>
              {tags.slice(0, 3).map((x) => (
                <Tag key={x} bordered={false}>
                  {x}
                </Tag>
              ))}
              {tags.length > 3 && <Tag bordered={false}>+{tags.length - 3}</Tag>}
            </Space>
          ) : (
            '—'
          ),
      },
      {
        title: t('customers.channel'),
        dataIndex: 'acquisitionChannel',
        width: 110,
        responsive: ['xl'],
        render: (v: string | null) => codeLabel(t, 'acquisition', v),
      },
      { title: t('customers.createdAt'), dataIndex: 'createdAt', width: 120, render: (v: string) => f.date(v), responsive: ['lg'] },
    ],
    [t, f],
  );

  return (
    <>
      <PageHeader
        title={t('customers.title')}
        subtitle={t('customers.subtitle')}
        extra={
          can('customers:export') && (
            <Tooltip title={t('customers.exportHelp')}>
              <Button icon={<DownloadOutlined />} href={exportUrl} download disabled={!data?.items.length} data-testid="customers-export">
                {t('customers.export')}
              </Button>
            </Tooltip>
          )
        }
      />
      <Card className="panel" variant="borderless">
        <Flex gap={12} wrap justify="space-between" style={{ marginBottom: 12 }}>
          <Input.Search
            value={input}
            onChange={(e) => setInput(e.target.value)}
            onSearch={search}
            placeholder={t('customers.searchPlaceholder')}
            aria-label={t('customers.search')}
            allowClear
            enterButton={<><SearchOutlined /> {t('common.search')}</>}
            style={{ maxWidth: 520 }}
            data-testid="customer-search"
          />
          {hasFilterApi && <SegmentBar filters={filters} selectedId={segmentId} onSelect={(s, fs) => apply(fs ?? filters, s?.id ?? null)} />}
        </Flex>
        {hasFilterApi && (
          <Flex gap={8} align="flex-start" style={{ marginBottom: 12 }}>
            <Badge count={nFilters} size="small" offset={[-2, 2]}>
              <FilterOutlined style={{ fontSize: 16, padding: '8px 4px', color: nFilters ? '#1677ff' : '#8c8c8c' }} aria-hidden />
            </Badge>
            <div style={{ flex: 1, minWidth: 0 }}>
              <FilterBar filters={filters} options={options.data} onChange={(next) => apply(next)} canAnalytics={canAnalytics} />
            </div>
            {nFilters > 0 && (
              <Button icon={<ClearOutlined />} onClick={() => apply(q ? { q } : {}, null)} data-testid="filters-clear">
                {t('customers.filter.clear')}
              </Button>
            )}
          </Flex>
        )}
        {options.data?.scopeVenueId != null && (
          <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginBottom: 8 }}>
            {t('customers.scoped', { venue: options.data.venues.find((v) => v.id === options.data!.scopeVenueId)?.name ?? `#${options.data.scopeVenueId}` })}
          </Typography.Paragraph>
        )}
        <BasisNote basis={data?.basis} />
        {q && (
          <Typography.Paragraph type="secondary" style={{ marginTop: -4 }}>
            {t('customers.searchHelp')}
          </Typography.Paragraph>
        )}
        {error ? (
          <ErrorState error={error} onRetry={reload} />
        ) : (
          <>
            <Table<Customer>
              rowKey="id"
              size="middle"
              loading={loading}
              columns={columns}
              dataSource={data?.items ?? []}
              pagination={false}
              scroll={{ x: 'max-content' }}
              onRow={(c) => ({ onDoubleClick: () => navigate(`/customers/${c.id}`) })}
              data-testid="customer-table"
              locale={{
                emptyText: (
                  <EmptyState
                    title={nFilters ? t('customers.noFilterMatch') : q ? t('customers.noMatch', { q }) : t('customers.none')}
                    action={
                      nFilters ? (
                        <Button onClick={() => apply(q ? { q } : {}, null)}>{t('customers.filter.clear')}</Button>
                      ) : !q && can('imports:run') ? (
                        <Link to="/import">
                          <Button type="primary">{t('overview.importNow')}</Button>
                        </Link>
                      ) : undefined
                    }
                  />
                ),
              }}
            />
            <CursorPager
              page={page}
              shown={data?.items.length ?? 0}
              hasNext={!!data?.nextCursor}
              onPrev={() => setCursors((c) => c.slice(0, -1))}
              onNext={() => data?.nextCursor && setCursors((c) => [...c, data.nextCursor!])}
              pageSize={pageSize}
              onPageSize={(n) => {
                setPageSize(n);
                setCursors([undefined]);
              }}
            />
          </>
        )}
      </Card>
    </>
  );
}
