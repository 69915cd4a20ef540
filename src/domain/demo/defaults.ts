/**
 * Every configurable value of the demo generator, in one place (docs/demo.md points here).
 * Time unit of the purchase process: days.
 */
export const DEFAULTS = Object.freeze({
  customers: 2000,
  seed: 1,
  years: 2,
  /** Last local day of the generated period (inclusive). */
  end: '2026-06-30',
  timeZone: 'Asia/Shanghai',
  currency: 'CNY',
  currencyDecimals: 2,
  /**
   * BG/NBD generating parameters (Fader, Hardie & Lee 2005), lambda per day:
   * mean rate r/alpha = 0.02/day (7.3 purchases a year while active), mean dropout
   * probability a/(a+b) = 0.2 after each repeat purchase.
   */
  process: Object.freeze({ r: 0.8, alpha: 40, a: 1.5, b: 6 }),
  /** New-customer intensity grows linearly to (1 + growth) times its starting level by the period end. */
  acquisitionGrowth: 0.5,
  /** Customers with a Chinese name (the rest have Western names). */
  chineseNameShare: 0.85,
  /** Customers referred by an earlier customer. */
  referredShare: 0.1,
  /** "Price-only" transaction customers (DOMAIN.md §3): most of their orders carry a discount. */
  priceOnlyShare: 0.08,
  /** Probability that an order carries an order-level discount. */
  discountProbability: Object.freeze({ regular: 0.12, priceOnly: 0.8, promoDayBoost: 0.15 }),
  /** Target share of anonymous walk-in sales among all sales. */
  anonymousShare: 0.05,
  /** Probability that a customer's purchase is preceded by a cancelled order the same day. */
  cancelProbability: 0.01,
  /** Probability that a sale is (partly) returned within 1-14 days. */
  returnProbability: 0.03,
  /** Customers generated and written per transaction. */
  chunkCustomers: 1000,
  maxCustomers: 10_000_000,
  /** Contact costs in minor units (CNY fen). */
  contactCost: Object.freeze({ sms: 5, email: 1, wechat: 2, call: 300, visit: 8000, mail: 800, complaint: 500 }),
  /** Member levels by net spend over the period, minor units (attributes.member_level). */
  memberLevels: Object.freeze({ platinum: 5_000_000, gold: 1_500_000, silver: 500_000 }),
});

export type DemoDefaults = typeof DEFAULTS;
