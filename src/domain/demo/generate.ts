import { createRng, gamma, normal, type Rng } from '../../analytics/random.js';
import { formatMinor } from '../money.js';
import { dayToDate, localToUtcMs } from '../time.js';
import { AFFINITY, CATEGORIES, VENUES, buildProducts, type DemoProduct, type VenueKind } from './catalogue.js';
import { DEFAULTS } from './defaults.js';
import {
  CN_CITIES, CN_EMAIL_DOMAINS, FOREIGN_CITIES, GIVEN_FEMALE, GIVEN_MALE, MOBILE_PREFIXES, SURNAMES,
  WESTERN_EMAIL_DOMAINS, WESTERN_FEMALE, WESTERN_MALE, WESTERN_SURNAMES,
} from './names.js';
import { drawCustomer, expectedRepeats, simulateLifetime, type ProcessParams } from './process.js';
import { cumulative, mixHash, permute, pick, pickIndex, randInt, streamSeed, weighted } from './random-util.js';
import { operationalTime, springFestival, type Season } from './seasonality.js';

/**
 * Turns the repeat-buying process into rows: one customer at a time, with their profile, every
 * order (and its lines, cancellations, returns, the anonymous walk-in sales around it) and the
 * contacts the business made with them. Nothing here touches the database; the rows are plain
 * arrays in the column orders below, written by demo.ts.
 */

export const CUSTOMER_COLUMNS = [
  'id', 'external_id', 'name', 'name_key', 'gender', 'birthday', 'phone', 'email', 'city', 'country', 'tags',
  'attributes', 'acquisition_channel', 'acquisition_cost_minor', 'referred_by', 'consent_sms', 'consent_email',
  'home_venue_id', 'created_at', 'updated_at',
] as const;
export const ORDER_COLUMNS = [
  'id', 'external_id', 'customer_id', 'venue_id', 'kind', 'returns_order_id', 'status', 'ordered_at', 'local_date',
  'day', 'channel', 'payment_method', 'subtotal_minor', 'discount_minor', 'total_minor', 'cost_minor', 'item_count',
  'content_hash', 'import_batch_id', 'created_at', 'updated_at',
] as const;
export const LINE_COLUMNS = [
  'order_id', 'line_no', 'product_id', 'sku', 'description', 'quantity', 'unit_price', 'line_total_minor',
  'discount_minor', 'unit_cost_minor',
] as const;
export const CONTACT_COLUMNS = [
  'customer_id', 'venue_id', 'occurred_at', 'day', 'channel', 'direction', 'purpose', 'cost_minor', 'note', 'created_by',
] as const;

export interface RowBuffers {
  customers: unknown[][];
  orders: unknown[][];
  lines: unknown[][];
  contacts: unknown[][];
}

export function emptyBuffers(): RowBuffers {
  return { customers: [], orders: [], lines: [], contacts: [] };
}

export interface GeneratorConfig {
  customers: number;
  seed: number;
  season: Season;
  timeZone: string;
  process: ProcessParams;
  /** The first id of each table (1 on an empty database). */
  firstIds: { venue: number; product: number; customer: number; order: number };
}

/** Running totals; integers only for money (minor units). */
export interface DemoCounts {
  venues: number;
  products: number;
  customers: number;
  referredCustomers: number;
  priceOnlyCustomers: number;
  /** Customers whose simulated dropout happened inside the period. */
  droppedOut: number;
  orders: number;
  /** Sale orders with a customer, not cancelled: exactly the process's purchases. */
  customerSales: number;
  anonymousSales: number;
  cancelledOrders: number;
  returnOrders: number;
  discountedSales: number;
  orderLines: number;
  contacts: number;
  /** Completed sales (customer and anonymous), minor units. */
  salesMinor: number;
  /** Return documents (negative), minor units. */
  returnsMinor: number;
  /** Order-level plus line discounts on completed sales, minor units. */
  discountMinor: number;
  /** Cost of goods on completed sales, minor units. */
  salesCostMinor: number;
  contactCostMinor: number;
  acquisitionCostMinor: number;
  /** Sum over customers of repeat purchases x (purchases after the first). */
  repeatPurchases: number;
  /** Sum over customers of E[X(tau)] under the generating process (FHL 2005 eq. 9). */
  expectedRepeatPurchases: number;
}

function zeroCounts(): DemoCounts {
  return {
    venues: 0, products: 0, customers: 0, referredCustomers: 0, priceOnlyCustomers: 0, droppedOut: 0, orders: 0,
    customerSales: 0, anonymousSales: 0, cancelledOrders: 0, returnOrders: 0, discountedSales: 0, orderLines: 0,
    contacts: 0, salesMinor: 0, returnsMinor: 0, discountMinor: 0, salesCostMinor: 0, contactCostMinor: 0,
    acquisitionCostMinor: 0, repeatPurchases: 0, expectedRepeatPurchases: 0,
  };
}

interface Line {
  product: DemoProduct;
  productIndex: number;
  qty: number;
  priceMinor: number;
  priceText: string;
  /** Line discount (member price), minor units. */
  discount: number;
}

interface Customer {
  id: number;
  index: number;
  venueHome: number;
  /** Category preference weights (index as CATEGORIES). */
  pref: Float64Array;
  favourite: Map<number, number>;
  priceOnly: boolean;
  corporate: boolean;
}

// Hours of the day (local) at which orders happen, by what is bought.
const HOURS = {
  stay: cumulative([1, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4, 6, 8, 12, 12, 11, 9, 8, 7, 6, 5, 3, 2]),
  dining: cumulative([0, 0, 0, 0, 0, 0, 2, 8, 8, 3, 2, 6, 9, 6, 2, 2, 3, 7, 10, 9, 5, 2, 1, 0]),
  daytime: cumulative([0, 0, 0, 0, 0, 0, 0, 0, 1, 3, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 6, 4, 2, 0]),
  online: cumulative([3, 2, 1, 1, 0.5, 0.5, 1, 2, 3, 4, 5, 5, 6, 5, 5, 5, 5, 5, 6, 8, 10, 11, 10, 7]),
  office: cumulative([0, 0, 0, 0, 0, 0, 0, 0, 0, 6, 8, 8, 4, 6, 8, 8, 8, 6, 2, 1, 0, 0, 0, 0]),
};

const TWO = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const VENUE_CITY_INDEX = new Map(VENUES.map((v, i) => [v.city, i] as const));
const ONLINE = VENUES.findIndex((v) => v.kind === 'online');
const PHYSICAL = VENUES.map((v, i) => [i, v.kind === 'online' ? 0 : 1] as const).filter(([, w]) => w > 0).map(([i]) => i);
const HOTELS = VENUES.map((v, i) => [i, v.kind] as const).filter(([, k]) => k === 'hotel').map(([i]) => i);
const CAT = Object.fromEntries(CATEGORIES.map((c, i) => [c.code, i])) as Record<(typeof CATEGORIES)[number]['code'], number>;
const CITY_CUM = cumulative(CN_CITIES.map(([, w]) => w));

const ACQUISITION: readonly (readonly [string, number, number])[] = [
  // [channel, weight, typical cost in yuan]
  ['walk_in', 30, 0], ['ota', 15, 60], ['wechat_ads', 15, 45], ['douyin', 10, 55], ['online_shop', 13, 20],
  ['corporate', 7, 150], ['event', 10, 30],
];
const ACQ_CUM = cumulative(ACQUISITION.map(([, w]) => w));
const REFERRAL_COST_YUAN = 50;
const TAG_BY_CATEGORY = ['常旅客', '美食', '咖啡', '养生', '宴会', '茶友', '茶友', '甜品', '品酒', '美妆', '家居', '文创'];

const WALK_IN: Record<VenueKind, readonly (readonly [number, number])[]> = {
  hotel: [[CAT['cafe-bar'], 5], [CAT.dining, 3], [CAT.pastry, 1], [CAT.souvenirs, 1]],
  outlet: [[CAT.tea, 3.5], [CAT['cafe-bar'], 3], [CAT.pastry, 2], [CAT.souvenirs, 1.5]],
  online: [],
};

export class DemoGenerator {
  readonly counts: DemoCounts = zeroCounts();
  readonly products: DemoProduct[] = buildProducts();
  private readonly cfg: GeneratorConfig;
  private readonly season: Season;
  private readonly acqCum: Float64Array;
  private readonly dateText: string[];
  private readonly utcDateText: string[];
  private readonly dayOffset: Float64Array;
  private readonly scratch = new Float64Array(CATEGORIES.length);
  private readonly productsByCat: number[][];
  private readonly productCum: Float64Array[];
  private readonly catsAt: Record<VenueKind, number[]>;
  private readonly campaignDays: number[];
  private readonly springDays: number[];
  // Compact state of earlier customers, for choosing referrers (13 bytes a customer).
  private readonly acqDay: Int32Array;
  private readonly activeUntil: Int32Array;
  private readonly advocacy: Float32Array;
  private readonly homeVenue: Uint8Array;
  private nextOrderId: number;
  private readonly phoneOffset: number;
  private readonly mailOffset: number;

  constructor(cfg: GeneratorConfig) {
    this.cfg = cfg;
    this.season = cfg.season;
    const { days, m } = cfg.season;
    // New customers arrive with the same seasonality as purchases, on a growing trend.
    const growth = DEFAULTS.acquisitionGrowth;
    this.acqCum = new Float64Array(days + 1);
    for (let d = 0; d < days; d++) this.acqCum[d + 1] = this.acqCum[d]! + m[d]! * (1 + (growth * (d + 0.5)) / days);
    this.dateText = [];
    for (let d = 0; d < days; d++) this.dateText.push(dayToDate(cfg.season.startDay + d));
    this.utcDateText = [];
    for (let d = -2; d < days + 2; d++) this.utcDateText.push(dayToDate(cfg.season.startDay + d));
    this.dayOffset = new Float64Array(days);
    for (let d = 0; d < days; d++) {
      const midnight = (cfg.season.startDay + d) * 86_400_000;
      const a = midnight - localToUtcMs(midnight, cfg.timeZone);
      const b = midnight + 86_399_000 - localToUtcMs(midnight + 86_399_000, cfg.timeZone);
      this.dayOffset[d] = a === b ? a : NaN;
    }
    this.productsByCat = CATEGORIES.map(() => []);
    this.products.forEach((p, i) => this.productsByCat[p.categoryIndex]!.push(i));
    this.productCum = this.productsByCat.map((idx) => cumulative(idx.map((i) => this.products[i]!.popularity)));
    this.catsAt = { hotel: [], outlet: [], online: [] };
    CATEGORIES.forEach((c, i) => c.soldAt.forEach((k) => this.catsAt[k].push(i)));
    const firstYear = +this.dateText[0]!.slice(0, 4);
    const lastYear = +this.dateText[days - 1]!.slice(0, 4);
    this.campaignDays = [];
    this.springDays = [];
    for (let y = firstYear; y <= lastYear; y++) {
      const cny = this.periodDay(springFestival(y));
      for (const d of [cny - 14, this.periodDay(`${y}-06-10`), this.periodDay(`${y}-11-05`)]) {
        if (d >= 0 && d < days) this.campaignDays.push(d);
      }
      if (cny >= 0 && cny < days) this.springDays.push(cny);
    }
    this.campaignDays.sort((a, b) => a - b);
    this.acqDay = new Int32Array(cfg.customers);
    this.activeUntil = new Int32Array(cfg.customers);
    this.advocacy = new Float32Array(cfg.customers);
    this.homeVenue = new Uint8Array(cfg.customers);
    this.nextOrderId = cfg.firstIds.order;
    const r = createRng(streamSeed(cfg.seed, -1));
    this.phoneOffset = randInt(r, 100_000_000);
    this.mailOffset = randInt(r, 10_000_000);
  }

  private periodDay(date: string): number {
    return Math.round((Date.parse(date + 'T00:00:00Z') / 86_400_000) - this.season.startDay);
  }

  venueRows(createdAt: string): unknown[][] {
    this.counts.venues = VENUES.length;
    return VENUES.map((v, i) => [this.cfg.firstIds.venue + i, v.code, v.name, v.kind, v.city, createdAt]);
  }

  productRows(createdAt: string): unknown[][] {
    this.counts.products = this.products.length;
    return this.products.map((p, i) => [this.cfg.firstIds.product + i, p.sku, p.name, p.category, p.unitCostMinor, createdAt]);
  }

  /**
   * UTC ISO text of local second `sec` of period day `d`. The zone offset is looked up once per
   * day (Intl is slow) and the text assembled from cached parts; a day with an offset change
   * (daylight saving) takes the exact slow path.
   */
  private instant(d: number, sec: number): string {
    const wall = (this.season.startDay + d) * 86_400_000 + sec * 1000;
    const off = this.dayOffset[d]!;
    if (Number.isNaN(off)) return new Date(localToUtcMs(wall, this.cfg.timeZone)).toISOString();
    const utc = wall - off;
    const utcDay = Math.floor(utc / 86_400_000);
    let s = (utc - utcDay * 86_400_000) / 1000;
    const h = Math.floor(s / 3600);
    s -= h * 3600;
    const mi = Math.floor(s / 60);
    s -= mi * 60;
    const date = this.utcDateText[utcDay - this.season.startDay + 2] ?? dayToDate(utcDay);
    return `${date}T${TWO[h]}:${TWO[mi]}:${TWO[s]}.000Z`;
  }

  private secondOfDay(rng: Rng, hours: Float64Array): number {
    return pickIndex(rng, hours) * 3600 + randInt(rng, 3600);
  }

  /** Period time of customer i's first purchase: stratified draws through the inverse CDF, so ids follow acquisition time. */
  private acquisitionTime(i: number, rng: Rng): number {
    const cum = this.acqCum;
    const target = ((i + rng()) / this.cfg.customers) * cum[cum.length - 1]!;
    let lo = 0;
    let hi = cum.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (cum[mid]! <= target) lo = mid;
      else hi = mid - 1;
    }
    const w = cum[lo + 1]! - cum[lo]!;
    return Math.min(lo + (target - cum[lo]!) / w, this.season.days - 1e-9);
  }

  /** Generates customer i (0-based, in acquisition order) and everything attached to them. */
  generateCustomer(i: number, out: RowBuffers): void {
    const cfg = this.cfg;
    const rng = createRng(streamSeed(cfg.seed, i));
    const t0 = this.acquisitionTime(i, rng);
    const d0 = Math.floor(t0);
    const id = cfg.firstIds.customer + i;

    // Profile
    const chinese = rng() < DEFAULTS.chineseNameShare;
    const gu = rng();
    const gender = gu < 0.52 ? 'female' : gu < 0.98 ? 'male' : null;
    const female = gender === 'female' || (gender === null && rng() < 0.5);
    let name: string;
    let mailLocal: string;
    let country = 'CN';
    let city: string;
    if (chinese) {
      const s = SURNAMES[Math.min(SURNAMES.length - 1, Math.floor(Math.pow(rng(), 2.2) * SURNAMES.length))]!;
      const pool = female ? GIVEN_FEMALE : GIVEN_MALE;
      const g1 = pick(rng, pool);
      const two = rng() < 0.7;
      const g2 = two ? pick(rng, pool) : null;
      if (rng() < 0.04) {
        // Some register with their English name.
        const first = pick(rng, female ? WESTERN_FEMALE : WESTERN_MALE);
        name = `${first} ${s[1][0]!.toUpperCase()}${s[1].slice(1)}`;
      } else {
        name = s[0] + g1[0] + (g2 ? g2[0] : '');
      }
      mailLocal = s[1] + g1[1] + (g2 ? g2[1] : '');
      city = CN_CITIES[pickIndex(rng, CITY_CUM)]![0];
    } else {
      const first = pick(rng, female ? WESTERN_FEMALE : WESTERN_MALE);
      const last = pick(rng, WESTERN_SURNAMES);
      name = `${first} ${last}`;
      mailLocal = `${first}.${last}`.normalize('NFD').replace(/[^A-Za-z.]/g, '').toLowerCase();
      if (rng() < 0.55) city = CN_CITIES[pickIndex(rng, CITY_CUM)]![0];
      else [city, country] = pick(rng, FOREIGN_CITIES);
    }
    let birthday: string | null = null;
    if (rng() < 0.88) {
      const age = Math.max(18, Math.min(80, 38 + 11 * normal(rng)));
      const birthDay = this.season.startDay + this.season.days - Math.round(age * 365.25) - randInt(rng, 365);
      birthday = dayToDate(birthDay);
    }
    const unique = permute(i, 100_000_000, 91_573_231, this.phoneOffset);
    const phone = country === 'CN' && rng() < 0.95 ? pick(rng, MOBILE_PREFIXES) + String(unique).padStart(8, '0') : null;
    let email: string | null = null;
    if (rng() < (chinese ? 0.4 : 0.9)) {
      const domain = weighted(rng, chinese ? CN_EMAIL_DOMAINS : WESTERN_EMAIL_DOMAINS);
      const n = permute(i, 10_000_000, 55_433, this.mailOffset);
      email = domain === 'qq.com' ? `${10_000_000 + n * 7 + (i % 7)}@qq.com` : `${mailLocal}${n}@${domain}`;
    }

    // Acquisition: a referral from an earlier customer, or a marketing channel.
    let channel: string;
    let costYuan: number;
    let referrer: number | null = null;
    if (i > 0 && rng() < DEFAULTS.referredShare) referrer = this.chooseReferrer(rng, i, d0);
    if (referrer !== null) {
      channel = 'referral';
      costYuan = REFERRAL_COST_YUAN;
    } else {
      const a = ACQUISITION[pickIndex(rng, ACQ_CUM)]!;
      channel = a[0];
      costYuan = a[2];
    }
    const acquisitionCost = channel === 'walk_in' ? 0 : Math.round(costYuan * 100 * (0.7 + 0.6 * rng()));

    let home: number;
    if (channel === 'online_shop') home = ONLINE;
    else home = VENUE_CITY_INDEX.get(city) ?? (rng() < 0.5 ? ONLINE : pick(rng, PHYSICAL));
    if (channel === 'ota' && VENUES[home]!.kind !== 'hotel') home = pick(rng, HOTELS);

    const pref = new Float64Array(CATEGORIES.length);
    for (let c = 0; c < pref.length; c++) pref[c] = gamma(rng, 0.6, 1) + 0.02;
    const corporate = channel === 'corporate';
    if (corporate) pref[CAT.banquet]! *= 8;
    const cust: Customer = { id, index: i, venueHome: home, pref, favourite: new Map(), priceOnly: rng() < DEFAULTS.priceOnlyShare, corporate };
    const consentSms = phone !== null && rng() < 0.7 ? 1 : 0;
    const consentEmail = email !== null && rng() < 0.5 ? 1 : 0;

    // The purchase process
    const draw = drawCustomer(rng, cfg.process);
    const life = simulateLifetime(rng, draw, t0, this.season);
    const c = this.counts;
    c.customers++;
    if (referrer !== null) c.referredCustomers++;
    if (cust.priceOnly) c.priceOnlyCustomers++;
    if (life.droppedAt !== null) c.droppedOut++;
    c.repeatPurchases += life.times.length - 1;
    if (cfg.process.a > 1) c.expectedRepeatPurchases += expectedRepeats(cfg.process, operationalTime(this.season, t0));
    c.acquisitionCostMinor += acquisitionCost;

    // Orders
    const sales: { day: number; venue: number; total: number }[] = [];
    const returnDays: number[] = [];
    let net = 0;
    let prevDay = -1;
    let prevSec = -1;
    let createdAt = '';
    for (let k = 0; k < life.times.length; k++) {
      const day = Math.floor(life.times[k]!);
      const first = k === 0;
      const venue = first ? this.firstVenue(rng, cust, channel) : this.chooseVenue(rng, cust);
      const kind = VENUES[venue]!.kind;
      let primary = this.choosePrimary(rng, cust, kind, day);
      if (first && channel === 'ota') primary = CAT.rooms;
      if (first && corporate && kind === 'hotel') primary = rng() < 0.4 ? CAT.banquet : CAT.rooms;
      const lines = this.basket(rng, cust, kind, primary, day, 5);
      let sec = this.secondOfDay(rng, this.hoursFor(kind, primary));
      if (day === prevDay && sec <= prevSec) sec = Math.min(86_399, prevSec + 600 + randInt(rng, 3600));
      prevDay = day;
      prevSec = sec;
      const orderChannel = first && channel === 'ota' ? 'ota' : this.orderChannel(rng, kind, primary);
      const payment = this.payment(rng, orderChannel, primary);
      const discount = this.orderDiscount(rng, cust, lines, day);
      if (rng() < DEFAULTS.cancelProbability) {
        const cancelSec = Math.max(0, sec - 300 - randInt(rng, 3000));
        this.writeOrder(out, { customer: id, venue, kind: 'sale', status: 'cancelled', day, sec: cancelSec, channel: orderChannel, payment, lines, discount, returns: null });
        c.cancelledOrders++;
      }
      const sale = this.writeOrder(out, { customer: id, venue, kind: 'sale', status: 'completed', day, sec, channel: orderChannel, payment, lines, discount, returns: null });
      c.customerSales++;
      if (first) createdAt = sale.orderedAt;
      net += sale.total;
      sales.push({ day, venue, total: sale.total });
      if (rng() < DEFAULTS.returnProbability) {
        const ret = this.writeReturn(rng, out, id, venue, sale, lines, discount, orderChannel, payment);
        if (ret) {
          net += ret.total;
          returnDays.push(ret.day);
        }
      }
      const q = DEFAULTS.anonymousShare / (1 - DEFAULTS.anonymousShare);
      if (rng() < q) this.writeAnonymous(rng, out, day);
    }
    const lastDay = Math.floor(life.times[life.times.length - 1]!);

    // State for later referrals: referred customers and big spenders are the keenest promoters.
    this.acqDay[i] = d0;
    this.activeUntil[i] = life.droppedAt === null ? this.season.days : lastDay + 60;
    this.advocacy[i] = Math.min(1, 0.15 + (referrer !== null ? 0.6 : 0) + (sales.length >= 5 ? 0.25 : 0));
    this.homeVenue[i] = home;

    const level = net >= DEFAULTS.memberLevels.platinum ? 'platinum'
      : net >= DEFAULTS.memberLevels.gold ? 'gold'
      : net >= DEFAULTS.memberLevels.silver ? 'silver' : 'member';

    // Contacts
    this.contacts(rng, out, { cust, d0, lastDay, sales, returnDays, level, birthday, consentSms, consentEmail });
    if (referrer !== null) {
      const rd = d0 + 1 + randInt(rng, 3);
      if (rd < this.season.days) {
        this.contact(out, referrer, this.homeVenue[referrer - cfg.firstIds.customer]!, rd,
          this.secondOfDay(rng, HOURS.office), 'gift', 'outbound', 'referral_reward', 5000, null, 'staff');
      }
    }

    // Profile row
    const tags = new Set<string>();
    let topCat = 0;
    for (let k = 1; k < pref.length; k++) if (pref[k]! > pref[topCat]!) topCat = k;
    tags.add(TAG_BY_CATEGORY[topCat]!);
    if (corporate) tags.add('企业客户');
    if (rng() < 0.12) tags.add('亲子');
    if (level === 'gold' || level === 'platinum') tags.add('VIP');
    const attributes = {
      language: chinese && country === 'CN' ? 'zh' : 'en',
      member_level: level,
      // The generator's truth for this customer, for checking models (docs/demo.md); not business data.
      demo: {
        lambda: Number(draw.lambda.toPrecision(6)),
        p: Number(draw.p.toPrecision(6)),
        price_only: cust.priceOnly,
        dropped_out_on: life.droppedAt === null ? null : this.dateText[Math.floor(life.droppedAt)]!,
      },
    };
    out.customers.push([
      id, `DC${String(i + 1).padStart(7, '0')}`, name, name.toLowerCase(), gender, birthday, phone, email, city, country,
      JSON.stringify([...tags]), JSON.stringify(attributes), channel, acquisitionCost,
      referrer, consentSms, consentEmail, cfg.firstIds.venue + home, createdAt, createdAt,
    ]);
  }

  /**
   * An earlier customer (acquired on an earlier day, still buying) to be the referrer, favouring
   * keen promoters; null when there is none yet (the first days of the period).
   */
  private chooseReferrer(rng: Rng, i: number, day: number): number | null {
    const base = this.cfg.firstIds.customer;
    for (let tries = 0; tries < 40; tries++) {
      const j = randInt(rng, i);
      if (this.acqDay[j]! < day && this.activeUntil[j]! >= day && rng() < this.advocacy[j]!) return base + j;
    }
    // Fall back to the latest such customer (there nearly always is one).
    for (let j = i - 1; j >= 0; j--) if (this.acqDay[j]! < day && this.activeUntil[j]! >= day) return base + j;
    return null;
  }

  private firstVenue(rng: Rng, cust: Customer, channel: string): number {
    if (channel === 'online_shop' || (channel === 'douyin' && rng() < 0.5)) return ONLINE;
    if ((channel === 'ota' || channel === 'corporate') && VENUES[cust.venueHome]!.kind !== 'hotel') return pick(rng, HOTELS);
    if (channel === 'ota' || channel === 'corporate') return cust.venueHome;
    // Walk-ins and event guests are first met in person.
    if (channel === 'walk_in' || channel === 'event') return cust.venueHome === ONLINE ? pick(rng, PHYSICAL) : cust.venueHome;
    return this.chooseVenue(rng, cust);
  }

  private chooseVenue(rng: Rng, cust: Customer): number {
    const u = rng();
    if (u < 0.6) return cust.venueHome;
    if (u < 0.8) return cust.venueHome === ONLINE ? pick(rng, PHYSICAL) : ONLINE;
    return randInt(rng, VENUES.length);
  }

  private choosePrimary(rng: Rng, cust: Customer, kind: VenueKind, day: number): number {
    const cats = this.catsAt[kind];
    const gift = this.season.giftSeason[day] === 1;
    let total = 0;
    const w = this.scratch;
    for (let k = 0; k < cats.length; k++) {
      const c = cats[k]!;
      let x = cust.pref[c]! * CATEGORIES[c]!.weight;
      if (gift && (c === CAT.pastry || c === CAT.tea)) x *= 3;
      w[k] = x;
      total += x;
    }
    let u = rng() * total;
    for (let k = 0; k < cats.length; k++) {
      u -= w[k]!;
      if (u < 0) return cats[k]!;
    }
    return cats[cats.length - 1]!;
  }

  private pickProduct(rng: Rng, cust: Customer | null, cat: number, exclude: readonly Line[]): number | null {
    const pool = this.productsByCat[cat]!;
    const taken = (p: number) => exclude.some((l) => l.productIndex === p);
    const fav = cust?.favourite.get(cat);
    if (fav !== undefined && rng() < 0.35 && !taken(fav)) return fav;
    for (let tries = 0; tries < 6; tries++) {
      const p = pool[pickIndex(rng, this.productCum[cat]!)]!;
      if (!taken(p)) {
        if (cust && fav === undefined) cust.favourite.set(cat, p);
        return p;
      }
    }
    return null;
  }

  private quantity(rng: Rng, cat: number, product: DemoProduct, day: number, nights: number): number {
    const u = rng();
    switch (cat) {
      case CAT.rooms:
        return u < 0.55 ? 1 : u < 0.8 ? 2 : u < 0.92 ? 3 : u < 0.97 ? 4 : 5 + randInt(rng, 3);
      case CAT.dining:
        if (nights > 0 && product.sku === 'DN001') return nights; // breakfast for each night
        return u < 0.3 ? 1 : u < 0.7 ? 2 : u < 0.82 ? 3 : u < 0.94 ? 4 : 5 + randInt(rng, 4);
      case CAT['cafe-bar']:
        return u < 0.6 ? 1 : u < 0.9 ? 2 : 3 + randInt(rng, 2);
      case CAT.spa:
        return u < 0.75 ? 1 : 2;
      case CAT.banquet:
        if (/Table/.test(product.name)) return product.name.includes('Wedding') ? 10 + randInt(rng, 21) : 2 + randInt(rng, 8);
        return 1;
      default:
        if (cat === CAT.pastry && this.season.giftSeason[day] === 1 && u < 0.3) return 2 + randInt(rng, 5);
        return u < 0.72 ? 1 : u < 0.9 ? 2 : u < 0.96 ? 3 : 4 + randInt(rng, 3);
    }
  }

  private price(product: DemoProduct, day: number): number {
    if (product.category !== 'rooms') return product.listPriceMinor;
    // Room rates move with demand: weekends and holidays dearer, quiet weekdays cheaper (10-yuan steps).
    const m = this.season.m[day]!;
    const f = m > 1.6 ? 1.3 : m > 1.15 ? 1.15 : m < 0.8 ? 0.9 : 1;
    return Math.round((product.listPriceMinor * f) / 1000) * 1000;
  }

  private line(rng: Rng, cust: Customer | null, cat: number, lines: Line[], day: number, nights: number): void {
    const p = this.pickProduct(rng, cust, cat, lines);
    if (p === null) return;
    const product = this.products[p]!;
    const qty = this.quantity(rng, cat, product, day, nights);
    const priceMinor = this.price(product, day);
    lines.push({ product, productIndex: p, qty, priceMinor, priceText: formatMinor(priceMinor, 2), discount: 0 });
  }

  /** 1-5 lines: the main item, then companions by AFFINITY (so basket rules exist), then an impulse buy. */
  private basket(rng: Rng, cust: Customer | null, kind: VenueKind, primary: number, day: number, maxLines: number): Line[] {
    const lines: Line[] = [];
    this.line(rng, cust, primary, lines, day, 0);
    const nights = primary === CAT.rooms ? lines[0]!.qty : 0;
    for (const [code, prob] of AFFINITY[CATEGORIES[primary]!.code]) {
      if (lines.length >= maxLines) break;
      const c = CAT[code];
      if (!CATEGORIES[c]!.soldAt.includes(kind) || rng() >= prob) continue;
      this.line(rng, cust, c, lines, day, nights);
    }
    if (cust && lines.length < maxLines && rng() < 0.2) {
      this.line(rng, cust, this.choosePrimary(rng, cust, kind, day), lines, day, nights);
    }
    // Member price on one line now and then.
    if (cust && rng() < 0.05) {
      const l = lines[randInt(rng, lines.length)]!;
      l.discount = Math.round((l.qty * l.priceMinor * 0.1) / 100) * 100;
    }
    return lines;
  }

  private hoursFor(kind: VenueKind, primary: number): Float64Array {
    if (kind === 'online') return HOURS.online;
    if (primary === CAT.rooms) return HOURS.stay;
    if (primary === CAT.dining || primary === CAT['cafe-bar']) return HOURS.dining;
    return HOURS.daytime;
  }

  private orderChannel(rng: Rng, kind: VenueKind, primary: number): string {
    const u = rng();
    if (kind === 'online') return u < 0.4 ? 'tmall' : u < 0.55 ? 'jd' : u < 0.85 ? 'mini_program' : 'douyin';
    if (kind === 'outlet') return u < 0.85 ? 'store' : 'mini_program';
    if (primary === CAT.rooms) return u < 0.35 ? 'front_desk' : u < 0.65 ? 'ota' : u < 0.9 ? 'mini_program' : 'phone';
    if (primary === CAT.banquet) return u < 0.7 ? 'phone' : 'front_desk';
    return u < 0.75 ? 'store' : u < 0.95 ? 'mini_program' : 'phone';
  }

  /** How the order was paid, given where it was placed (Tmall takes Alipay, mini programs WeChat Pay, OTAs collect prepayment). */
  private payment(rng: Rng, channel: string, primary: number): string {
    const u = rng();
    switch (channel) {
      case 'tmall': return 'alipay';
      case 'mini_program': return u < 0.9 ? 'wechat_pay' : 'stored_value';
      case 'jd': return u < 0.7 ? 'wechat_pay' : 'bank_card';
      case 'douyin': return u < 0.6 ? 'douyin_pay' : 'alipay';
      case 'ota': return 'ota_prepaid';
    }
    if (primary === CAT.banquet && u < 0.7) return 'bank_transfer';
    return u < 0.45 ? 'wechat_pay' : u < 0.73 ? 'alipay' : u < 0.87 ? 'bank_card' : u < 0.95 ? 'stored_value' : 'cash';
  }

  /** Order-level discount: a percentage off or a spend-and-save coupon (满减), whole yuan. */
  private orderDiscount(rng: Rng, cust: Customer, lines: Line[], day: number): number {
    const D = DEFAULTS.discountProbability;
    let p = cust.priceOnly ? D.priceOnly : D.regular;
    if (this.season.promo[day] === 1) p += D.promoDayBoost;
    if (rng() >= p) return 0;
    let subtotal = 0;
    for (const l of lines) subtotal += l.qty * l.priceMinor - l.discount;
    let off: number;
    if (subtotal >= 20_000 && rng() < 0.4) {
      off = subtotal >= 300_000 ? 30_000 : subtotal >= 100_000 ? 10_000 : subtotal >= 50_000 ? 5_000 : 2_000;
    } else {
      const pct = cust.priceOnly ? pick(rng, [15, 20, 25, 30, 35]) : pick(rng, [5, 10, 12, 15, 20]);
      off = Math.round((subtotal * pct) / 10_000) * 100;
    }
    return Math.max(0, Math.min(off, subtotal));
  }

  private writeOrder(out: RowBuffers, o: {
    customer: number | null; venue: number; kind: 'sale' | 'return'; status: 'completed' | 'cancelled'; day: number;
    sec: number; channel: string; payment: string; lines: readonly Line[] | readonly ReturnLine[]; discount: number;
    returns: number | null;
  }): { id: number; total: number; day: number; orderedAt: string } {
    const id = this.nextOrderId++;
    const at = this.instant(o.day, o.sec);
    let subtotal = 0;
    let cost = 0;
    let items = 0;
    let lineDiscounts = 0;
    for (let n = 0; n < o.lines.length; n++) {
      const l = o.lines[n]!;
      const total = 'lineTotal' in l ? l.lineTotal : l.qty * l.priceMinor - l.discount;
      subtotal += total;
      cost += l.qty * l.product.unitCostMinor;
      items += l.qty;
      lineDiscounts += l.discount;
      out.lines.push([id, n + 1, this.cfg.firstIds.product + l.productIndex, l.product.sku, l.product.name, l.qty,
        l.priceText, total, l.discount, l.product.unitCostMinor]);
    }
    const total = subtotal - o.discount;
    const externalId = `${o.kind === 'return' ? 'DR' : 'DS'}${String(id).padStart(9, '0')}`;
    // Any stable fingerprint will do (saveOrders compares hashes only to spot changed re-imports).
    const hash = 'demo-' + mixHash([id, o.customer ?? 0, o.venue, o.status === 'cancelled' ? 1 : 0, o.day, o.sec, subtotal, o.discount, cost, items]);
    out.orders.push([id, externalId, o.customer, this.cfg.firstIds.venue + o.venue, o.kind, o.returns, o.status, at,
      this.dateText[o.day]!, this.season.startDay + o.day, o.channel, o.payment, subtotal, o.discount, total, cost, items,
      hash, null, at, at]);
    const c = this.counts;
    c.orders++;
    c.orderLines += o.lines.length;
    if (o.kind === 'sale' && o.status === 'completed') {
      c.salesMinor += total;
      c.discountMinor += o.discount + lineDiscounts;
      c.salesCostMinor += cost;
      if (o.discount + lineDiscounts > 0) c.discountedSales++;
    } else if (o.kind === 'return') {
      c.returnsMinor += total;
    }
    return { id, total, day: o.day, orderedAt: at };
  }

  /** A return 1-14 days after the sale of one or all returnable lines, refunding what was paid for them. */
  private writeReturn(rng: Rng, out: RowBuffers, customer: number, venue: number, sale: { id: number; day: number }, lines: Line[],
    orderDiscount: number, channel: string, payment: string): { total: number; day: number } | null {
    const day = sale.day + 1 + randInt(rng, 14);
    if (day >= this.season.days) return null;
    let candidates = lines.filter((l) => CATEGORIES[l.product.categoryIndex]!.returnable);
    if (candidates.length === 0) candidates = lines; // a refunded service (a complaint about a stay or a meal)
    const chosen = rng() < 0.7 ? [candidates[randInt(rng, candidates.length)]!] : candidates;
    // What was paid for each line: the order discount shared in proportion to line amounts, in
    // whole fen, the rounding remainder on the first line, so the shares add up to the discount.
    let subtotal = 0;
    for (const l of lines) subtotal += l.qty * l.priceMinor - l.discount;
    const paid = lines.map((l) => {
      const net = l.qty * l.priceMinor - l.discount;
      return net - (subtotal > 0 ? Math.floor((orderDiscount * net) / subtotal) : 0);
    });
    let allocated = 0;
    for (let n = 0; n < lines.length; n++) allocated += lines[n]!.qty * lines[n]!.priceMinor - lines[n]!.discount - paid[n]!;
    paid[0]! -= orderDiscount - allocated;
    const back: ReturnLine[] = chosen.map((l) => {
      const k = l.qty > 1 && rng() < 0.2 ? 1 + randInt(rng, l.qty - 1) : l.qty;
      const paidForLine = paid[lines.indexOf(l)]!;
      const refund = Math.round((paidForLine * k) / l.qty);
      return { product: l.product, productIndex: l.productIndex, qty: -k, priceText: l.priceText, lineTotal: -refund, discount: Math.max(0, k * l.priceMinor - refund) };
    });
    const r = this.writeOrder(out, {
      customer, venue, kind: 'return', status: 'completed', day, sec: this.secondOfDay(rng, HOURS.daytime), channel, payment,
      lines: back, discount: 0, returns: sale.id,
    });
    this.counts.returnOrders++;
    return { total: r.total, day };
  }

  private writeAnonymous(rng: Rng, out: RowBuffers, day: number): void {
    const venue = pick(rng, PHYSICAL);
    const kind = VENUES[venue]!.kind;
    const primary = weighted(rng, WALK_IN[kind]);
    const lines = this.basket(rng, null, kind, primary, day, 2);
    const u = rng();
    const payment = u < 0.5 ? 'wechat_pay' : u < 0.8 ? 'alipay' : u < 0.95 ? 'cash' : 'bank_card';
    this.writeOrder(out, {
      customer: null, venue, kind: 'sale', status: 'completed', day, sec: this.secondOfDay(rng, this.hoursFor(kind, primary)),
      channel: 'walk_in', payment, lines, discount: 0, returns: null,
    });
    this.counts.anonymousSales++;
  }

  private contact(out: RowBuffers, customer: number, venue: number, day: number, sec: number, channel: string,
    direction: 'inbound' | 'outbound', purpose: string, cost: number, note: string | null, createdBy: string | null): void {
    out.contacts.push([customer, this.cfg.firstIds.venue + venue, this.instant(day, sec), this.season.startDay + day, channel,
      direction, purpose, cost, note, createdBy]);
    this.counts.contacts++;
    this.counts.contactCostMinor += cost;
  }

  /**
   * Touchpoints, more for valuable customers (DOMAIN.md §7: contact plans by segment): a welcome
   * message, satisfaction surveys, seasonal campaigns while active, birthday greetings, account-manager
   * calls, visits and gifts for gold and platinum members, and complaints after returns.
   */
  private contacts(rng: Rng, out: RowBuffers, s: {
    cust: Customer; d0: number; lastDay: number; sales: { day: number; venue: number; total: number }[]; returnDays: number[];
    level: string; birthday: string | null; consentSms: number; consentEmail: number;
  }): void {
    const K = DEFAULTS.contactCost;
    const D = this.season.days;
    const id = s.cust.id;
    const home = s.cust.venueHome;
    const office = HOURS.office;
    const vip = s.level === 'gold' || s.level === 'platinum';
    if (s.consentSms && s.d0 + 1 < D) this.contact(out, id, home, s.d0 + 1, this.secondOfDay(rng, office), 'sms', 'outbound', 'welcome', K.sms, null, 'system');
    for (const sale of s.sales) {
      if (sale.day + 1 >= D) continue;
      const u = rng();
      if (u < 0.08 && s.consentSms) this.contact(out, id, sale.venue, sale.day + 1, this.secondOfDay(rng, office), 'sms', 'outbound', 'satisfaction_survey', K.sms, null, 'system');
      else if (u < 0.14 && s.consentEmail) this.contact(out, id, sale.venue, sale.day + 1, this.secondOfDay(rng, office), 'email', 'outbound', 'satisfaction_survey', K.email, null, 'system');
      else if (u < 0.16) this.contact(out, id, sale.venue, Math.min(D - 1, sale.day + randInt(rng, 3)), this.secondOfDay(rng, office), rng() < 0.5 ? 'call' : 'wechat', 'inbound', 'enquiry', K.complaint, null, null);
    }
    for (const rd of s.returnDays) {
      if (rng() < 0.3) this.contact(out, id, home, rd, this.secondOfDay(rng, office), 'call', 'inbound', 'complaint', K.complaint, '退货投诉 complaint with return', null);
    }
    // Seasonal campaigns reach customers who bought in the last half year (more often the valuable ones).
    for (const cd of this.campaignDays) {
      if (cd <= s.d0 || cd > s.lastDay + 180) continue;
      if (s.consentEmail) this.contact(out, id, home, cd, this.secondOfDay(rng, office), 'email', 'outbound', 'campaign', K.email, null, 'system');
      if (s.consentSms && rng() < (vip ? 0.8 : 0.3)) this.contact(out, id, home, cd, this.secondOfDay(rng, office), 'sms', 'outbound', 'campaign', K.sms, null, 'system');
    }
    if (s.birthday) {
      const month = +s.birthday.slice(5, 7) - 1;
      const dom = s.birthday.slice(5) === '02-29' ? 28 : +s.birthday.slice(8, 10);
      const y0 = +this.dateText[0]!.slice(0, 4);
      const y1 = +this.dateText[D - 1]!.slice(0, 4);
      for (let y = y0; y <= y1; y++) {
        const bd = Date.UTC(y, month, dom) / 86_400_000 - this.season.startDay;
        if (bd <= s.d0 || bd >= D || bd > s.lastDay + 180) continue;
        if (s.consentSms) this.contact(out, id, home, bd, 36_000, 'sms', 'outbound', 'birthday', K.sms, null, 'system');
        if (vip) this.contact(out, id, home, bd, this.secondOfDay(rng, office), 'gift', 'outbound', 'birthday_gift', s.level === 'platinum' ? 50_000 : 20_000, null, 'staff');
      }
    }
    if (vip) {
      const until = Math.min(D - 1, s.lastDay + 180);
      for (let d = s.d0 + 30 + randInt(rng, 60); d <= until; d += 80 + randInt(rng, 20)) {
        this.contact(out, id, home, d, this.secondOfDay(rng, office), 'call', 'outbound', 'account_review', K.call, null, 'staff');
      }
      if (s.level === 'platinum') {
        for (let d = s.d0 + 60 + randInt(rng, 120); d <= until; d += 330 + randInt(rng, 60)) {
          this.contact(out, id, home, d, this.secondOfDay(rng, office), 'visit', 'outbound', 'relationship_visit', K.visit, null, 'staff');
        }
        for (const cny of this.springDays) {
          if (cny - 7 > s.d0 && cny - 7 <= until) this.contact(out, id, home, cny - 7, this.secondOfDay(rng, office), 'gift', 'outbound', 'festival_gift', 30_000, null, 'staff');
        }
      }
    }
  }
}

interface ReturnLine {
  product: DemoProduct;
  productIndex: number;
  qty: number;
  priceText: string;
  lineTotal: number;
  discount: number;
}
