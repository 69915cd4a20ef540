import { CreditCardOutlined } from '@ant-design/icons';
import { Card, Descriptions, Flex, Progress, Tag, Tooltip, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { Suggestions } from '../api/actions';
import type { CustomerValue, Label } from '../api/analytics';
import type { CustomerLoyalty } from '../api/customers';
import type { CustomerPredictions } from '../api/predictions';
import type { Venue } from '../api/types';
import type { Case } from '../api/voice';
import { MemberView } from './loyalty/MemberView';
import { EmptyState, ErrorState, Loading, SoonTag } from '../components/states';
import { useCapabilities } from '../lib/capabilities';
import { useFormat } from '../lib/format';
import { useSession } from '../lib/session';
import { useApi } from '../lib/useApi';
import { EIGHT_WAY_COLORS, RFM_SEGMENT_COLORS, TIER_COLORS } from './value/segment-colors';

/**
 * Parts of the customer 360 that come from APIs other teams add (value metrics, predictions,
 * loyalty, surveys and complaints). Each shows "not available yet" until its route exists.
 */
function ScorePill({ letter, score, help }: { letter: string; score: number; help: string }) {
  return (
    <Tooltip title={help}>
      <span className="score-pill" tabIndex={0} aria-label={`${help}: ${score}`}>
        <span className="score-letter">{letter}</span>
        <span className="score-value">{score}</span>
      </span>
    </Tooltip>
  );
}

function ValueBody({ customerId }: { customerId: number }) {
  const { t, i18n } = useTranslation();
  const f = useFormat();
  const zh = i18n.language !== 'en';
  const L = (l: Label) => (zh ? l.zh : l.en);
  const { data, error, reload } = useApi<CustomerValue>(`/api/customers/${customerId}/metrics`);
  if (error) return <ErrorState error={error} onRetry={reload} />;
  if (!data) return <Loading rows={4} />;
  if (!data.snapshot) {
    return (
      <EmptyState
        title={t('c360.noSnapshot')}
        action={
          <Link to="/value">
            <Typography.Link>{t('c360.goValue')}</Typography.Link>
          </Link>
        }
      />
    );
  }
  const m = data.metrics;
  const s = data.segments;
  if (!m || !s) return <EmptyState title={t('c360.notInSnapshot', { date: f.day(data.snapshot.asOf) })} />;
  const snap = `?snapshot=${data.snapshot.id}`;
  const items: { key: string; label: ReactNode; children: ReactNode }[] = [
    {
      key: 'rfm',
      label: 'RFM',
      children: (
        <Flex gap={6} align="center" wrap>
          <ScorePill letter="R" score={m.rfm.r} help={t('c360.rHelp', { days: m.recencyDays })} />
          <ScorePill letter="F" score={m.rfm.f} help={t('c360.fHelp', { n: m.purchaseDays })} />
          <ScorePill letter="M" score={m.rfm.m} help={t('c360.mHelp', { amount: f.money(m.revenueMinor) })} />
        </Flex>
      ),
    },
    ...(s.rfm
      ? [
          {
            key: 'seg',
            label: t('c360.segment'),
            children: (
              <Tooltip title={L(s.rfm.action)}>
                <Link to={`/value/segments/rfm/${s.rfm.id}${snap}`}>
                  <Tag color={RFM_SEGMENT_COLORS[s.rfm.id]}>{L(s.rfm.name)}</Tag>
                </Link>
              </Tooltip>
            ),
          },
        ]
      : []),
    {
      key: 'eight',
      label: t('c360.eightWay'),
      children: (
        <Tooltip title={L(s.eightWay.action)}>
          <Link to={`/value/segments/eight-way/${s.eightWay.id}${snap}`}>
            <Tag color={EIGHT_WAY_COLORS[s.eightWay.id]}>
              {L(s.eightWay.name)} {s.eightWay.code}
            </Tag>
          </Link>
        </Tooltip>
      ),
    },
    {
      key: 'tier',
      label: t('value.tier'),
      children: (
        <Flex gap={6} wrap>
          <Tooltip title={L(s.tier.action)}>
            <Link to={`/value/segments/tier/${s.tier.id}${snap}`}>
              <Tag color={TIER_COLORS[s.tier.id]}>{L(s.tier.name)}</Tag>
            </Link>
          </Tooltip>
          <Tag bordered={false}>ABC {s.abcClass}</Tag>
          <Tag bordered={false}>{t('value.decileN', { n: s.monetaryDecile })}</Tag>
          {s.transactionCustomer && <Tag color="orange">{t('c360.transactionCustomer')}</Tag>}
        </Flex>
      ),
    },
    { key: 'profit', label: t('c360.profit'), children: <span className="num">{f.money(m.profitMinor)}</span> },
    {
      key: 'margin',
      label: t('value.margin'),
      children: (
        <span className="num">
          {f.money(m.marginMinor)} · {t('c360.costToServe')} {f.money(m.costToServeMinor)}
        </span>
      ),
    },
    { key: 'disc', label: t('c360.discountShare'), children: f.percent(m.discountShare) },
    {
      key: 'gap',
      label: t('c360.purchaseGap'),
      children: m.averageDaysBetweenPurchases === null ? '—' : t('c360.everyNDays', { n: f.number(m.averageDaysBetweenPurchases, 0) }),
    },
  ];
  if (data.referrals) {
    items.push({
      key: 'clv',
      label: t('c360.historicalClv'),
      children: (
        <Tooltip title={t('c360.historicalClvHelp', { own: f.money(data.referrals.ownProfitMinor), referred: f.money(data.referrals.referredTreeProfitMinor), n: data.referrals.treeReferrals })}>
          <Typography.Text strong className="num" tabIndex={0}>
            {f.money(data.referrals.totalProfitMinor)}
          </Typography.Text>
        </Tooltip>
      ),
    });
  }
  return (
    <>
      <Descriptions column={1} size="small" colon={false} styles={{ label: { width: 96, color: 'rgba(0,0,0,0.5)' } }} items={items} />
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('c360.asOfSnapshot', { date: f.day(data.snapshot.asOf) })}
      </Typography.Text>
    </>
  );
}

function Value({ customerId }: { customerId: number }) {
  const { t } = useTranslation();
  const caps = useCapabilities();
  const { can } = useSession();
  const available = caps.has('GET', '/api/customers/:id/metrics') && can('analytics:read');
  return (
    <Card className="panel" variant="borderless" title={t('c360.valueTitle')} extra={caps.ready && !available ? <SoonTag /> : undefined} data-testid="customer-value">
      {!caps.ready ? <Loading rows={3} /> : available ? <ValueBody customerId={customerId} /> : <EmptyState title={t('c360.valueSoon')} />}
    </Card>
  );
}

/** Every membership with its statement (for those who operate loyalty), found by customer id. */
function LoyaltyTab({ customerId }: { customerId: number }) {
  const { t } = useTranslation();
  const venues = useApi<Venue[]>('/api/venues');
  const { data, error, reload } = useApi<CustomerLoyalty>(`/api/customers/${customerId}/loyalty`);
  if (error) return <ErrorState error={error} onRetry={reload} />;
  if (!data) return <Loading rows={4} />;
  if (!data.memberships.length) return <EmptyState title={t('c360.noMembership')} action={<Link to="/loyalty">{t('nav.loyalty')}</Link>} />;
  return (
    <Flex vertical gap={24} style={{ marginTop: 8 }}>
      {data.memberships.map((m) => (
        <MemberView key={m.id} member={m} venues={venues.data ?? []} showCustomer={false} />
      ))}
    </Flex>
  );
}

const CARD_COLORS: Record<string, string> = { active: 'green', frozen: 'blue', lost: 'red', replaced: 'default' };

function dayToIso(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

function LoyaltyBody({ customerId }: { customerId: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { data, error, reload } = useApi<CustomerLoyalty>(`/api/customers/${customerId}/loyalty`);
  if (error) return <ErrorState error={error} onRetry={reload} />;
  if (!data) return <Loading rows={3} />;
  const r = data.referrals;
  return (
    <Flex vertical gap={12}>
      {data.memberships.length === 0 ? (
        <Typography.Text type="secondary">{t('c360.noLoyalty')}</Typography.Text>
      ) : (
        data.memberships.map((m) => (
          <Flex key={m.id} vertical gap={6} data-testid="c360-membership">
            <Flex align="center" gap={6} wrap>
              <Typography.Text strong>{m.programme.name}</Typography.Text>
              {m.tier && <Tag color="gold">{m.tier.name}</Tag>}
              <Tag color={m.status === 'active' ? 'green' : 'default'}>{t(`loyalty.status_${m.status}`)}</Tag>
              {m.tier && m.tierSince && (
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('c360.tierSince', { date: f.date(m.tierSince) })}
                </Typography.Text>
              )}
            </Flex>
            <Descriptions
              column={1}
              size="small"
              colon={false}
              styles={{ label: { width: 96, color: 'rgba(0,0,0,0.5)' } }}
              items={[
                {
                  key: 'points',
                  label: t('loyalty.points'),
                  children: (
                    <span className="num">
                      {f.integer(m.balance.points)} <Typography.Text type="secondary">≈ {f.money(m.balance.pointsValueMinor)}</Typography.Text>
                    </span>
                  ),
                },
                {
                  key: 'sv',
                  label: t('loyalty.storedValue'),
                  children: (
                    <Tooltip title={t('loyalty.paidBonus', { paid: f.money(m.balance.svPaidMinor), bonus: f.money(m.balance.svBonusMinor) })}>
                      <span className="num" tabIndex={0}>
                        {f.money(m.balance.svTotalMinor)}
                      </span>
                    </Tooltip>
                  ),
                },
                ...(m.expiring.length
                  ? [
                      {
                        key: 'exp',
                        label: t('loyalty.expiring'),
                        children: t('loyalty.expiringLine', { points: f.integer(m.expiring[0]!.points), date: f.day(dayToIso(m.expiring[0]!.expiresDay)) }),
                      },
                    ]
                  : []),
                {
                  key: 'cards',
                  label: t('c360.cards'),
                  children: m.cards.length ? (
                    <Flex gap={4} wrap>
                      {m.cards.map((c) => (
                        <Tag key={c.id} icon={<CreditCardOutlined />} color={CARD_COLORS[c.status]} style={{ fontFamily: 'monospace' }}>
                          {c.number.replace(/(\d{4})(?=\d)/g, '$1 ')} · {t(`loyalty.card_${c.status}`)}
                        </Tag>
                      ))}
                    </Flex>
                  ) : (
                    '—'
                  ),
                },
              ]}
            />
          </Flex>
        ))
      )}
      {data.referralCode && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t('loyalty.referralCode')}: <Typography.Text copyable>{data.referralCode}</Typography.Text>
        </Typography.Text>
      )}
      <Flex vertical gap={6}>
        <Flex justify="space-between" gap={8} wrap>
          <Typography.Text strong>{t('c360.referralsMade', { n: f.integer(r.total) })}</Typography.Text>
          {r.total > 0 && <Typography.Text type="secondary">{t('c360.referredValue', { amount: f.money(r.valueMinor) })}</Typography.Text>}
        </Flex>
        {r.items.length ? (
          <>
            {r.items.map((x) => (
              <Flex key={x.id} justify="space-between" gap={8} data-testid="c360-referral">
                <Link to={`/customers/${x.id}`}>{x.name ?? x.externalId}</Link>
                <Typography.Text type="secondary" className="num">
                  {t('c360.referralLine', { orders: f.integer(x.orders), amount: f.money(x.valueMinor) })}
                </Typography.Text>
              </Flex>
            ))}
            {r.total > r.items.length && <Typography.Text type="secondary">{t('c360.moreReferrals', { n: f.integer(r.total - r.items.length) })}</Typography.Text>}
          </>
        ) : (
          <Typography.Text type="secondary">{t('c360.noReferrals')}</Typography.Text>
        )}
      </Flex>
    </Flex>
  );
}

/** Loyalty cards and balances, and the referrals this customer made (GET /api/customers/:id/loyalty). */
function Loyalty({ customerId, fallback }: { customerId: number; fallback: ReactNode }) {
  const { t } = useTranslation();
  const caps = useCapabilities();
  if (!caps.ready) return null;
  if (!caps.has('GET', '/api/customers/:id/loyalty')) return <>{fallback}</>;
  return (
    <Card className="panel" variant="borderless" title={t('c360.loyaltyTitle')} data-testid="customer-loyalty">
      <LoyaltyBody customerId={customerId} />
    </Card>
  );
}

const SLA_COLORS: Record<string, string> = { ok: 'green', warning: 'orange', breached: 'red' };

function CasesTab({ customerId }: { customerId: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { data, error, reload } = useApi<{ items: Case[] }>('/api/cases', { customerId, limit: 50 });
  if (error) return <ErrorState error={error} onRetry={reload} />;
  if (!data) return <Loading rows={4} />;
  if (!data.items.length) return <EmptyState title={t('c360.noCases')} />;
  return (
    <Flex vertical gap={8} style={{ marginTop: 8 }}>
      {data.items.map((c) => (
        <Card key={c.id} size="small">
          <Flex justify="space-between" gap={8} wrap>
            <Typography.Text strong>{c.subject}</Typography.Text>
            <Flex gap={4}>
              <Tag color={SLA_COLORS[c.sla.state]}>{t(`voice.sla_${c.sla.state}`)}</Tag>
              <Tag>{t(`voice.caseStatus_${c.status}`)}</Tag>
            </Flex>
          </Flex>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {f.dateTime(c.openedAt)} · {t(`voice.channel_${c.channel}`, { defaultValue: c.channel })} · {t('voice.steps')} {c.stepsCompleted}/6
          </Typography.Text>
        </Card>
      ))}
      <Link to="/voice/complaints">{t('c360.openBoard')}</Link>
    </Flex>
  );
}

function SuggestionsBody({ customerId }: { customerId: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { data, error, reload } = useApi<Suggestions>(`/api/customers/${customerId}/suggestions`, { limit: 5 });
  if (error) return <ErrorState error={error} onRetry={reload} />;
  if (!data) return <Loading rows={3} />;
  if (!data.suggestions.length) return <EmptyState title={t('c360.noSuggestions')} />;
  return (
    <Flex vertical gap={10}>
      {data.suggestions.map((x) => (
        <Flex key={x.item.key} justify="space-between" gap={8} align="flex-start">
          <div style={{ minWidth: 0 }}>
            <Typography.Text strong>{x.item.label}</Typography.Text>
            <div>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t(x.source === 'rule' ? 'c360.becauseBasket' : 'c360.becauseSequence', { items: x.because.map((b) => b.label).join('、') })}
              </Typography.Text>
            </div>
          </div>
          <Tooltip title={t('c360.suggestionHelp', { confidence: f.percent(x.confidence), lift: f.number(x.lift, 2) })}>
            <Tag color="blue" tabIndex={0} style={{ flex: 'none' }}>
              {f.percent(x.confidence, 0)}
            </Tag>
          </Tooltip>
        </Flex>
      ))}
    </Flex>
  );
}

function PredictionBody({ customerId }: { customerId: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { data, error, reload } = useApi<CustomerPredictions>(`/api/customers/${customerId}/predictions`);
  if (error) return <ErrorState error={error} onRetry={reload} />;
  if (!data) return <Loading rows={3} />;
  if (!data.predictionRun) return <EmptyState title={t('c360.noPrediction')} action={<Link to="/predictions">{t('nav.predictions')}</Link>} />;
  const p = data.prediction;
  if (!p) return <EmptyState title={t('c360.notPredicted', { date: f.day(data.predictionRun.asOf) })} />;
  const c = data.churn;
  const pct = Math.round(p.pAlive * 100);
  return (
    <Flex vertical gap={10}>
      <Flex align="center" gap={16}>
        <Progress type="dashboard" percent={pct} size={88} strokeColor={p.pAlive < 0.5 ? '#ff4d4f' : '#52c41a'} format={() => <span style={{ fontSize: 18 }}>{pct}%</span>} aria-label="P(alive)" />
        <div>
          <Typography.Text type="secondary">P(alive)</Typography.Text>
          <div>
            {c.runId === null ? (
              <Tag>{t('c360.noChurnRun')}</Tag>
            ) : c.atRisk ? (
              <Tag color="red">{t('c360.atRiskRank', { rank: c.rank })}</Tag>
            ) : (
              <Tag color="green">{t('c360.notAtRisk')}</Tag>
            )}
          </div>
        </div>
      </Flex>
      <Descriptions
        column={1}
        size="small"
        colon={false}
        styles={{ label: { width: 120, color: 'rgba(0,0,0,0.5)' } }}
        items={[
          { key: 'clv', label: t('c360.predictedClv', { n: data.predictionRun.horizon, period: t(`predictions.period_${data.predictionRun.period}`) }), children: <b className="num">{f.money(p.clvMinor)}</b> },
          { key: 'exp', label: t('predictions.expectedPurchases'), children: f.number(p.expectedPurchases, 1) },
          { key: 'aov', label: t('c360.expectedOrder'), children: f.money(p.expectedOrderValueMinor) },
          { key: 'next', label: t('c360.nextIfActive'), children: p.daysToNextIfActive === null ? '—' : t('c360.inDays', { n: f.number(p.daysToNextIfActive, 0) }) },
        ]}
      />
      {c.reasons.length > 0 && (
        <Flex vertical gap={4}>
          {c.reasons.map((r) => (
            <Typography.Text key={r.code} type="danger" style={{ fontSize: 12 }}>
              • {t(`predictions.reason_${r.code}`, { defaultValue: r.code })}: {r.text}
            </Typography.Text>
          ))}
        </Flex>
      )}
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('c360.predictedAsOf', { date: f.day(data.predictionRun.asOf) })}
      </Typography.Text>
    </Flex>
  );
}

/** Predicted value, probability alive and churn risk with reasons. */
function Prediction({ customerId }: { customerId: number }) {
  const { t } = useTranslation();
  const caps = useCapabilities();
  const { can } = useSession();
  if (!caps.ready || !caps.has('GET', '/api/customers/:id/predictions') || !can('analytics:read')) return null;
  return (
    <Card className="panel" variant="borderless" title={t('c360.predictionTitle')} data-testid="customer-prediction">
      <PredictionBody customerId={customerId} />
    </Card>
  );
}

/** Next-best products from basket rules and sequence patterns. */
function Suggest({ customerId }: { customerId: number }) {
  const { t } = useTranslation();
  const caps = useCapabilities();
  const { can } = useSession();
  if (!caps.ready || !caps.has('GET', '/api/customers/:id/suggestions') || !can('analytics:read')) return null;
  return (
    <Card className="panel" variant="borderless" title={t('c360.suggestions')}>
      <SuggestionsBody customerId={customerId} />
    </Card>
  );
}

/** Extra tabs of the 360 for the APIs this server has (loyalty memberships with statements, complaints). */
function useTabs(customerId: number) {
  const { t } = useTranslation();
  const caps = useCapabilities();
  const { can } = useSession();
  const items: { key: string; label: string; children: ReactNode }[] = [];
  // Statements need loyalty:operate; memberships are found by customer id, not by phone.
  if (caps.has('GET', '/api/customers/:id/loyalty') && caps.has('GET', '/api/loyalty/members/:id/statement') && can('loyalty:operate')) {
    items.push({ key: 'loyalty', label: t('c360.loyaltyTab'), children: <LoyaltyTab customerId={customerId} /> });
  }
  if (caps.has('GET', '/api/cases') && can('cases:write')) {
    items.push({ key: 'cases', label: t('c360.casesTab'), children: <CasesTab customerId={customerId} /> });
  }
  return items;
}

export const CustomerExtras = { Value, Prediction, Suggest, Loyalty, useTabs };
