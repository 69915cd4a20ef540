import { CreditCardOutlined } from '@ant-design/icons';
import { Card, Col, Descriptions, Flex, Row, Statistic, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { Member, Statement } from '../../api/loyalty';
import type { Venue } from '../../api/types';
import { ErrorState, Loading } from '../../components/states';
import { useFormat } from '../../lib/format';
import { codeLabel } from '../../lib/labels';
import { useApi } from '../../lib/useApi';

const CARD_COLORS: Record<string, string> = { active: 'green', frozen: 'blue', lost: 'red', replaced: 'default' };

function dayToIso(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** One membership: tier, balances, cards, expiring points and the statement with running balances. */
export function MemberView({ member, venues, showCustomer = true }: { member: Member; venues: Venue[]; showCustomer?: boolean }) {
  const { t } = useTranslation();
  const f = useFormat();
  const st = useApi<Statement>(`/api/loyalty/members/${member.id}/statement`);
  const venueName = (id: number | null) => (id === null ? '—' : venues.find((v) => v.id === id)?.name ?? `#${id}`);
  const b = member.balance;
  return (
    <Flex vertical gap={12} data-testid="loyalty-member">
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Flex align="center" gap={8} wrap>
          <Typography.Text strong style={{ fontSize: 16 }}>
            {member.programme.name}
          </Typography.Text>
          {member.tier && <Tag color="gold">{member.tier.name}</Tag>}
          <Tag color={member.status === 'active' ? 'green' : 'default'}>{t(`loyalty.status_${member.status}`)}</Tag>
        </Flex>
        {showCustomer && (
          <Link to={`/customers/${member.customer.id}`}>
            {member.customer.name ?? member.customer.externalId} · {member.customer.externalId}
          </Link>
        )}
      </Flex>
      <Row gutter={[12, 12]}>
        <Col xs={12} md={6}>
          <Card size="small" style={{ height: '100%' }}>
            <Statistic title={t('loyalty.points')} value={f.integer(b.points)} />
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              ≈ {f.money(b.pointsValueMinor)}
            </Typography.Text>
          </Card>
        </Col>
        <Col xs={12} md={6}>
          <Card size="small" style={{ height: '100%' }}>
            <Statistic title={t('loyalty.storedValue')} value={f.money(b.svTotalMinor)} />
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('loyalty.paidBonus', { paid: f.money(b.svPaidMinor), bonus: f.money(b.svBonusMinor) })}
            </Typography.Text>
          </Card>
        </Col>
        <Col xs={24} md={12}>
          <Card size="small" style={{ height: '100%' }}>
            <Descriptions
              size="small"
              column={1}
              colon={false}
              items={[
                { key: 'since', label: t('loyalty.enrolled'), children: f.date(member.enrolledAt) },
                {
                  key: 'benefit',
                  label: t('loyalty.benefits'),
                  children: member.tier ? t('loyalty.tierBenefits', { earn: f.percent(member.tier.earnRateBp / 10_000), discount: f.percent(member.tier.discountBp / 10_000) }) : '—',
                },
                {
                  key: 'exp',
                  label: t('loyalty.expiring'),
                  children: member.expiring.length
                    ? member.expiring.slice(0, 2).map((e) => t('loyalty.expiringLine', { points: f.integer(e.points), date: f.day(dayToIso(e.expiresDay)) })).join('; ')
                    : '—',
                },
                { key: 'code', label: t('loyalty.referralCode'), children: member.referralCode ?? '—' },
              ]}
            />
          </Card>
        </Col>
      </Row>
      <Flex gap={8} wrap>
        {member.cards.map((c) => (
          <Tag key={c.id} icon={<CreditCardOutlined />} color={CARD_COLORS[c.status]} style={{ fontFamily: 'monospace', padding: '2px 8px' }}>
            {c.number.replace(/(\d{4})(?=\d)/g, '$1 ')} · {t(`loyalty.card_${c.status}`)}
          </Tag>
        ))}
      </Flex>
      {st.error ? (
        <ErrorState error={st.error} onRetry={st.reload} />
      ) : !st.data ? (
        <Loading rows={3} />
      ) : (
        <Table
          size="small"
          rowKey="txnId"
          dataSource={[...st.data.lines].reverse()}
          pagination={{ pageSize: 10, hideOnSinglePage: true, size: 'small' }}
          scroll={{ x: 'max-content' }}
          columns={[
            { title: t('loyalty.when'), dataIndex: 'at', render: (v: string) => f.dateTime(v) },
            { title: t('loyalty.kind'), dataIndex: 'kind', render: (v: string) => <Tag bordered={false}>{codeLabel(t, 'loyaltyTxn', v)}</Tag> },
            { title: t('orders.venue'), dataIndex: 'venueId', render: (v: number | null) => venueName(v), responsive: ['md'] },
            { title: t('loyalty.points'), dataIndex: 'points', align: 'right', render: (v: number) => <Delta v={v} fmt={(x) => f.integer(x)} /> },
            { title: t('loyalty.storedValue'), dataIndex: 'amountMinor', align: 'right', render: (v: number) => <Delta v={v} fmt={(x) => f.money(x)} /> },
            { title: t('loyalty.pointsBalance'), dataIndex: 'pointsBalance', align: 'right', render: (v: number) => f.integer(v) },
            { title: t('loyalty.svBalance'), dataIndex: 'svBalanceMinor', align: 'right', render: (v: number) => f.money(v) },
            { title: t('loyalty.reference'), key: 'ref', responsive: ['lg'], render: (_, l) => l.reference ?? l.reason ?? '—' },
          ]}
        />
      )}
    </Flex>
  );
}

function Delta({ v, fmt }: { v: number; fmt: (x: number) => string }) {
  if (v === 0) return <Typography.Text type="secondary">—</Typography.Text>;
  return (
    <span className="num" style={{ color: v > 0 ? '#389e0d' : '#cf1322' }}>
      {v > 0 ? '+' : '−'}
      {fmt(Math.abs(v))}
    </span>
  );
}
