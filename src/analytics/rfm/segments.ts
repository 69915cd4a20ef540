/**
 * RFM segment catalogues: the 11 named segments on the R x FM grid and the Chinese eight-way scheme.
 * Rule tables and rationale: docs/analytics/value.md, "RFM".
 */
import type { Label } from '../metrics.js';

export type NamedSegmentId =
  | 'champions'
  | 'loyal'
  | 'potential-loyalists'
  | 'new'
  | 'promising'
  | 'need-attention'
  | 'about-to-sleep'
  | 'at-risk'
  | 'cant-lose'
  | 'hibernating'
  | 'lost';

export interface SegmentInfo<Id extends string> {
  id: Id;
  name: Label;
  /** Who is in it. */
  description: Label;
  /** Recommended action. */
  action: Label;
}

/**
 * Named segments on the grid of R score (1-5) x FM score, FM = floor((F + M) / 2) (the average of F
 * and M rounded down, so F=5, M=4 gives 4). Every one of the 25 cells matches exactly one rule
 * (checked by a test). Layout follows the common RFM-grid convention (R on one axis, F&M on the other).
 */
export const NAMED_SEGMENT_RULES: readonly { segment: NamedSegmentId; r: readonly [number, number]; fm: readonly [number, number] }[] = [
  { segment: 'champions', r: [5, 5], fm: [4, 5] },
  { segment: 'loyal', r: [3, 4], fm: [4, 5] },
  { segment: 'potential-loyalists', r: [4, 5], fm: [2, 3] },
  { segment: 'new', r: [5, 5], fm: [1, 1] },
  { segment: 'promising', r: [4, 4], fm: [1, 1] },
  { segment: 'need-attention', r: [3, 3], fm: [3, 3] },
  { segment: 'about-to-sleep', r: [3, 3], fm: [1, 2] },
  { segment: 'at-risk', r: [1, 2], fm: [3, 4] },
  { segment: 'cant-lose', r: [1, 2], fm: [5, 5] },
  { segment: 'hibernating', r: [2, 2], fm: [1, 2] },
  { segment: 'lost', r: [1, 1], fm: [1, 2] },
];

/** FM score of the named-segment grid: the average of F and M rounded down. */
export function fmScore(f: number, m: number): number {
  return Math.floor((f + m) / 2);
}

/** Named segment of a customer with 1-5 scores (quintiles only). */
export function namedSegment(r: number, f: number, m: number): NamedSegmentId {
  const fm = fmScore(f, m);
  for (const rule of NAMED_SEGMENT_RULES) {
    if (r >= rule.r[0] && r <= rule.r[1] && fm >= rule.fm[0] && fm <= rule.fm[1]) return rule.segment;
  }
  throw new RangeError(`RFM scores out of range 1-5: r=${r} f=${f} m=${m}`);
}

export const RFM_NAMED_SEGMENTS: readonly SegmentInfo<NamedSegmentId>[] = [
  {
    id: 'champions',
    name: { en: 'Champions', zh: '冠军客户' },
    description: { en: 'Bought recently, buy often and spend the most.', zh: '最近购买、购买频繁且消费最多。' },
    action: { en: 'Reward them; early access and VIP service; ask for reviews and referrals.', zh: '给予回馈、新品优先与贵宾服务；邀请评价与推荐。' },
  },
  {
    id: 'loyal',
    name: { en: 'Loyal', zh: '忠诚客户' },
    description: { en: 'Buy often and spend well; not quite the most recent.', zh: '购买频繁、消费较高，最近购买稍早。' },
    action: { en: 'Up-sell higher-value products; loyalty programme tiers.', zh: '向上销售高价值产品；会员等级权益。' },
  },
  {
    id: 'potential-loyalists',
    name: { en: 'Potential loyalists', zh: '潜在忠诚客户' },
    description: { en: 'Recent customers with average frequency and spend.', zh: '最近购买，频率与金额中等。' },
    action: { en: 'Offer membership and personalised recommendations to raise frequency.', zh: '邀请入会、个性化推荐，提高购买频率。' },
  },
  {
    id: 'new',
    name: { en: 'New customers', zh: '新客户' },
    description: { en: 'Bought very recently, but seldom and little so far.', zh: '刚刚购买，但次数与金额尚少。' },
    action: { en: 'Onboarding: welcome, reassurance, early support (post-purchase doubt stage).', zh: '新客引导：欢迎、消除疑虑、及早支持（购后疑虑阶段）。' },
  },
  {
    id: 'promising',
    name: { en: 'Promising', zh: '有潜力客户' },
    description: { en: 'Recent shoppers who have not spent much.', zh: '近期购买但消费不多。' },
    action: { en: 'Build awareness of the range; small incentives for a second purchase.', zh: '介绍产品线；以小额激励促成再次购买。' },
  },
  {
    id: 'need-attention',
    name: { en: 'Need attention', zh: '需要关注客户' },
    description: { en: 'Middling recency, frequency and spend.', zh: '最近度、频率与金额均居中。' },
    action: { en: 'Limited-time offers and recommendations based on past purchases.', zh: '限时优惠与基于历史购买的推荐。' },
  },
  {
    id: 'about-to-sleep',
    name: { en: 'About to sleep', zh: '即将沉睡客户' },
    description: { en: 'Below-average recency, low frequency and spend.', zh: '最近度偏低，频率与金额低。' },
    action: { en: 'Reactivate with popular products and a reason to come back before they drift away.', zh: '在流失前以热门产品和回购理由重新激活。' },
  },
  {
    id: 'at-risk',
    name: { en: 'At risk', zh: '流失风险客户' },
    description: { en: 'Used to buy often and spend well, but not for a long time.', zh: '曾经频繁购买、消费较高，但已很久未购买。' },
    action: { en: 'Personal win-back contact; find out what went wrong (churn early warning).', zh: '个人化挽回联系；了解原因（客户流失预警）。' },
  },
  {
    id: 'cant-lose',
    name: { en: "Can't lose them", zh: '不能失去的客户' },
    description: { en: 'Former best customers (top frequency and spend) who have not returned.', zh: '曾经的最佳客户（频率与金额最高），已久未回购。' },
    action: { en: 'Win them back at once: personal call, service recovery, special offer.', zh: '立即挽回：专人联系、服务补救、专属优惠。' },
  },
  {
    id: 'hibernating',
    name: { en: 'Hibernating', zh: '沉睡客户' },
    description: { en: 'Last purchase long ago, few orders, low spend.', zh: '上次购买已久，订单少、金额低。' },
    action: { en: 'Low-cost reactivation (relevant offers); do not overspend.', zh: '低成本唤醒（相关优惠）；控制投入。' },
  },
  {
    id: 'lost',
    name: { en: 'Lost', zh: '已流失客户' },
    description: { en: 'Oldest recency with low frequency and spend.', zh: '最近度最低，频率与金额低。' },
    action: { en: 'Ignore or include only in cheap mass campaigns.', zh: '放弃或仅纳入低成本群发活动。' },
  },
];

export type EightWaySegmentId =
  | 'important-value'
  | 'important-development'
  | 'important-retention'
  | 'important-recall'
  | 'general-value'
  | 'general-development'
  | 'general-retention'
  | 'general-recall';

export interface EightWaySegmentInfo extends SegmentInfo<EightWaySegmentId> {
  /** Signs: R+ = recent (recency days at or below the mean), F+/M+ = at or above the mean. */
  rPlus: boolean;
  fPlus: boolean;
  mPlus: boolean;
  code: string;
}

/** The eight-way scheme (DOMAIN.md section 3): M decides important/general, R and F the kind. */
export const EIGHT_WAY_SEGMENTS: readonly EightWaySegmentInfo[] = [
  {
    id: 'important-value', code: 'R+F+M+', rPlus: true, fPlus: true, mPlus: true,
    name: { en: 'Important value', zh: '重要价值客户' },
    description: { en: 'Recent, frequent, high spend: the best customers.', zh: '最近、频繁、高消费：最优质客户。' },
    action: { en: 'Keep them: VIP treatment and resources; do not let service slip.', zh: '重点保持：贵宾待遇与资源倾斜，确保服务质量。' },
  },
  {
    id: 'important-development', code: 'R+F-M+', rPlus: true, fPlus: false, mPlus: true,
    name: { en: 'Important development', zh: '重要发展客户' },
    description: { en: 'Recent, high spend, but infrequent.', zh: '最近购买、消费高，但频率低。' },
    action: { en: 'Develop: raise purchase frequency (cross-sell, membership, reminders).', zh: '重点发展：提升购买频率（交叉销售、会员、提醒）。' },
  },
  {
    id: 'important-retention', code: 'R-F+M+', rPlus: false, fPlus: true, mPlus: true,
    name: { en: 'Important retention', zh: '重要保持客户' },
    description: { en: 'Frequent and high spend, but not recent.', zh: '频繁且高消费，但近期未购买。' },
    action: { en: 'Re-engage proactively: personal contact before they slip away.', zh: '主动联系、重新激活，防止流失。' },
  },
  {
    id: 'important-recall', code: 'R-F-M+', rPlus: false, fPlus: false, mPlus: true,
    name: { en: 'Important recall', zh: '重要挽留客户' },
    description: { en: 'High spend, but neither recent nor frequent: likely churning.', zh: '消费高，但既不近也不频繁：可能正在流失。' },
    action: { en: 'Win back: find the reason, service recovery, targeted offer.', zh: '重点挽留：查明原因、服务补救、定向优惠。' },
  },
  {
    id: 'general-value', code: 'R+F+M-', rPlus: true, fPlus: true, mPlus: false,
    name: { en: 'General value', zh: '一般价值客户' },
    description: { en: 'Recent and frequent, but low spend.', zh: '最近且频繁，但消费低。' },
    action: { en: 'Raise spend per purchase: up-sell, bundles.', zh: '提升客单价：向上销售、组合优惠。' },
  },
  {
    id: 'general-development', code: 'R+F-M-', rPlus: true, fPlus: false, mPlus: false,
    name: { en: 'General development', zh: '一般发展客户' },
    description: { en: 'Recent, but infrequent and low spend (often new customers).', zh: '最近购买，但频率与消费低（多为新客）。' },
    action: { en: 'Nurture with low-cost onboarding and a reason for a second purchase.', zh: '低成本培育，促成再次购买。' },
  },
  {
    id: 'general-retention', code: 'R-F+M-', rPlus: false, fPlus: true, mPlus: false,
    name: { en: 'General retention', zh: '一般保持客户' },
    description: { en: 'Used to buy often, small amounts; not recently.', zh: '曾频繁小额购买，近期未购买。' },
    action: { en: 'Cheap reminders and coupons.', zh: '低成本提醒与优惠券。' },
  },
  {
    id: 'general-recall', code: 'R-F-M-', rPlus: false, fPlus: false, mPlus: false,
    name: { en: 'General recall', zh: '一般挽留客户' },
    description: { en: 'Not recent, infrequent, low spend.', zh: '不近、不频繁、消费低。' },
    action: { en: 'Lowest priority: mass campaigns only, or let go.', zh: '最低优先级：仅群发活动或放弃。' },
  },
];

/** Eight-way segment from the three signs. */
export function eightWaySegment(rPlus: boolean, fPlus: boolean, mPlus: boolean): EightWaySegmentId {
  const s = EIGHT_WAY_SEGMENTS.find((x) => x.rPlus === rPlus && x.fPlus === fPlus && x.mPlus === mPlus);
  return s!.id;
}
