/**
 * The demo business's fixed master data: venues, categories and products. It does not depend on
 * the seed, so every demo database has the same catalogue (only customers and orders vary).
 */

export type VenueKind = 'hotel' | 'outlet' | 'online';

export interface DemoVenue {
  code: string;
  name: string;
  kind: VenueKind;
  city: string | null;
}

export const BUSINESS_NAME = '云栖酒店集团 Yunqi Hospitality (demo)';

export const VENUES: readonly DemoVenue[] = Object.freeze([
  { code: 'SH-BUND', name: '云栖·上海外滩酒店 Yunqi Shanghai Bund', kind: 'hotel', city: '上海' },
  { code: 'HZ-WESTLAKE', name: '云栖·杭州西湖酒店 Yunqi Hangzhou West Lake', kind: 'hotel', city: '杭州' },
  { code: 'CD-TAIKOO', name: '云栖茶生活·成都太古里 Yunqi Tea House Chengdu', kind: 'outlet', city: '成都' },
  { code: 'BJ-SANLITUN', name: '云栖生活馆·北京三里屯 Yunqi Store Beijing', kind: 'outlet', city: '北京' },
  { code: 'ONLINE', name: '云栖官方商城 Yunqi Online Shop', kind: 'online', city: null },
]);

export type CategoryCode =
  | 'rooms' | 'dining' | 'cafe-bar' | 'spa' | 'banquet' | 'tea' | 'teaware'
  | 'pastry' | 'wine' | 'skincare' | 'bedding' | 'souvenirs';

export interface DemoCategory {
  code: CategoryCode;
  /** Chinese name, for docs and UI. */
  zh: string;
  /** SKU prefix. */
  prefix: string;
  /** Venue kinds that sell it. */
  soldAt: readonly VenueKind[];
  /** Relative popularity as the main item of an order. */
  weight: number;
  /** Unit cost as a share of list price, [min, max] (margin = 1 - share). */
  costShare: readonly [number, number];
  /** Goods can come back; services (a night, a meal, a massage) cannot. */
  returnable: boolean;
}

export const CATEGORIES: readonly DemoCategory[] = Object.freeze([
  { code: 'rooms', zh: '客房', prefix: 'RM', soldAt: ['hotel'], weight: 16, costShare: [0.3, 0.38], returnable: false },
  { code: 'dining', zh: '餐饮', prefix: 'DN', soldAt: ['hotel'], weight: 16, costShare: [0.38, 0.5], returnable: false },
  { code: 'cafe-bar', zh: '酒吧咖啡', prefix: 'CB', soldAt: ['hotel', 'outlet'], weight: 12, costShare: [0.25, 0.35], returnable: false },
  { code: 'spa', zh: '水疗', prefix: 'SP', soldAt: ['hotel'], weight: 6, costShare: [0.35, 0.5], returnable: false },
  { code: 'banquet', zh: '宴会会议', prefix: 'BQ', soldAt: ['hotel'], weight: 0.6, costShare: [0.55, 0.6], returnable: false },
  { code: 'tea', zh: '茶叶', prefix: 'TE', soldAt: ['outlet', 'online'], weight: 12, costShare: [0.35, 0.55], returnable: true },
  { code: 'teaware', zh: '茶具', prefix: 'TW', soldAt: ['outlet', 'online'], weight: 5, costShare: [0.4, 0.6], returnable: true },
  { code: 'pastry', zh: '糕点礼盒', prefix: 'PA', soldAt: ['hotel', 'outlet', 'online'], weight: 8, costShare: [0.4, 0.55], returnable: false },
  { code: 'wine', zh: '酒水', prefix: 'WN', soldAt: ['hotel', 'outlet', 'online'], weight: 5, costShare: [0.55, 0.8], returnable: true },
  { code: 'skincare', zh: '护肤香氛', prefix: 'SK', soldAt: ['hotel', 'outlet', 'online'], weight: 6, costShare: [0.25, 0.35], returnable: true },
  { code: 'bedding', zh: '家居床品', prefix: 'BD', soldAt: ['outlet', 'online'], weight: 4, costShare: [0.45, 0.55], returnable: true },
  { code: 'souvenirs', zh: '文创礼品', prefix: 'SV', soldAt: ['hotel', 'outlet', 'online'], weight: 5, costShare: [0.35, 0.55], returnable: true },
]);

/** [name, list price in yuan] per category, most popular first (popularity falls along the list). */
const ITEMS: Record<CategoryCode, readonly (readonly [string, number])[]> = {
  rooms: [
    ['豪华大床房 Deluxe King', 980], ['高级大床房 Superior King', 780], ['豪华双床房 Deluxe Twin', 980],
    ['高级双床房 Superior Twin', 780], ['行政大床房 Executive King', 1380], ['家庭房 Family Room', 1280],
    ['景观套房 View Suite', 2280], ['钟点房 Day Use Room', 388], ['行政套房 Executive Suite', 2880],
    ['总统套房 Presidential Suite', 8880],
  ],
  dining: [
    ['自助早餐 Breakfast Buffet', 168], ['自助晚餐 Dinner Buffet', 398], ['粤式早茶 Dim Sum', 128],
    ['商务午餐 Business Lunch', 158], ['双人下午茶 Afternoon Tea for Two', 328], ['自助午餐 Lunch Buffet', 268],
    ['本帮菜套餐 Shanghainese Set', 388], ['海鲜自助晚餐 Seafood Buffet', 498], ['北京烤鸭 Peking Duck', 268],
    ['川菜套餐 Sichuan Set', 298], ['西湖醋鱼 West Lake Fish', 138], ['客房送餐 In-room Dining', 188],
    ['儿童套餐 Kids Meal', 88], ['主厨私宴 Chef\'s Table', 1288],
  ],
  'cafe-bar': [
    ['拿铁 Latte', 42], ['美式咖啡 Americano', 38], ['手冲咖啡 Pour-over Coffee', 58], ['特调鸡尾酒 Signature Cocktail', 98],
    ['鲜榨果汁 Fresh Juice', 48], ['甜品 Dessert of the Day', 58], ['精酿啤酒 Craft Beer', 68], ['茉莉花茶(壶) Jasmine Tea Pot', 68],
    ['威士忌(杯) Whisky Glass', 128], ['鸡尾酒品鉴 Cocktail Flight', 268],
  ],
  spa: [
    ['中式推拿60分钟 Chinese Massage 60min', 398], ['足疗 Foot Reflexology', 268], ['精油按摩90分钟 Aromatherapy 90min', 698],
    ['温泉门票 Hot Spring Pass', 198], ['面部护理 Facial', 580], ['健身房日票 Gym Day Pass', 98],
    ['热石按摩 Hot Stone Massage', 880], ['双人水疗套餐 Couples Spa', 1680],
  ],
  banquet: [
    ['会议室半天 Meeting Room Half Day', 3800], ['商务宴请(每桌) Business Banquet per Table', 4888],
    ['生日宴(每桌) Birthday Banquet per Table', 3888], ['会议室全天 Meeting Room Full Day', 6800],
    ['婚宴(每桌) Wedding Banquet per Table', 5888], ['年会套餐 Annual Party Package', 28888],
  ],
  tea: [
    ['西湖龙井250g Longjing 250g', 680], ['茉莉花茶 Jasmine Tea', 168], ['安溪铁观音 Tieguanyin', 368],
    ['普洱熟茶饼 Pu\'er Cake', 398], ['武夷大红袍 Da Hong Pao', 588], ['正山小种 Lapsang Souchong', 268],
    ['碧螺春 Biluochun', 458], ['茶包礼盒 Teabag Gift Box', 128], ['菊花茶 Chrysanthemum Tea', 88],
    ['白毫银针 Silver Needle', 880], ['明前龙井 Pre-Qingming Longjing', 1280], ['金骏眉 Jin Jun Mei', 1680],
  ],
  teaware: [
    ['盖碗 Gaiwan', 168], ['品茗杯套装 Tea Cup Set', 228], ['公道杯 Fairness Pitcher', 128], ['旅行茶具 Travel Tea Set', 268],
    ['茶叶罐 Tea Caddy', 148], ['茶宠 Tea Pet', 68], ['茶盘 Tea Tray', 598], ['青瓷茶具套装 Celadon Tea Set', 880],
    ['紫砂壶 Yixing Teapot', 1280], ['铁壶 Cast Iron Kettle', 1880],
  ],
  pastry: [
    ['蛋挞(6个) Egg Tarts x6', 58], ['凤梨酥 Pineapple Cakes', 128], ['月饼礼盒 Mooncake Gift Box', 398],
    ['杏仁饼 Almond Cookies', 88], ['马卡龙礼盒 Macaron Box', 168], ['流心奶黄月饼 Custard Mooncakes', 298],
    ['手工巧克力 Handmade Chocolates', 198], ['新年糕点礼盒 New Year Pastry Box', 368], ['粽子礼盒 Zongzi Gift Box', 228],
    ['生日蛋糕 Birthday Cake', 388],
  ],
  wine: [
    ['波尔多红葡萄酒 Bordeaux Red', 488], ['宁夏赤霞珠 Ningxia Cabernet', 368], ['绍兴黄酒 Shaoxing Wine', 168],
    ['精酿啤酒6瓶 Craft Beer 6-pack', 158], ['香槟 Champagne', 980], ['长相思白葡萄酒 Sauvignon Blanc', 298],
    ['清酒 Sake', 398], ['五粮液 Wuliangye', 1280], ['单一麦芽威士忌 Single Malt', 1280], ['飞天茅台 Moutai', 3880],
  ],
  skincare: [
    ['酒店同款洗护套装 Hotel Amenity Set', 298], ['护手霜 Hand Cream', 98], ['香薰蜡烛 Scented Candle', 268],
    ['面膜(10片) Sheet Masks x10', 168], ['身体乳 Body Lotion', 198], ['沐浴油 Bath Oil', 228], ['旅行装 Travel Kit', 128],
    ['玫瑰精油 Rose Oil', 380], ['面霜 Face Cream', 580], ['精华液 Serum', 680],
  ],
  bedding: [
    ['酒店同款枕头 Hotel Pillow', 498], ['毛巾套装 Towel Set', 268], ['拖鞋 Slippers', 88], ['真丝枕套 Silk Pillowcase', 398],
    ['浴袍 Bathrobe', 598], ['香薰机 Aroma Diffuser', 398], ['床品四件套 Bedding Set', 1580], ['羽绒被 Down Duvet', 2680],
  ],
  souvenirs: [
    ['帆布袋 Canvas Tote', 89], ['冰箱贴 Fridge Magnet', 39], ['城市明信片 City Postcards', 29], ['熊猫玩偶 Panda Plush', 129],
    ['折扇 Folding Fan', 88], ['保温杯 Thermos', 199], ['笔记本 Notebook', 68], ['书签 Bookmarks', 39],
    ['茶文化图书 Tea Culture Book', 98], ['丝巾 Silk Scarf', 398],
  ],
};

/**
 * Items bought together (category -> companion category, probability of adding a line from it).
 * This is what makes association rules appear in the demo baskets ("room -> breakfast").
 */
export const AFFINITY: Readonly<Record<CategoryCode, readonly (readonly [CategoryCode, number])[]>> = {
  rooms: [['dining', 0.7], ['cafe-bar', 0.35], ['spa', 0.25], ['wine', 0.1], ['souvenirs', 0.08]],
  dining: [['wine', 0.45], ['dining', 0.3], ['cafe-bar', 0.3], ['pastry', 0.15]],
  'cafe-bar': [['pastry', 0.45], ['cafe-bar', 0.35]],
  spa: [['skincare', 0.35], ['cafe-bar', 0.25], ['spa', 0.15]],
  banquet: [['wine', 0.7], ['rooms', 0.35], ['pastry', 0.25]],
  tea: [['teaware', 0.4], ['tea', 0.45], ['pastry', 0.25]],
  teaware: [['tea', 0.55], ['teaware', 0.25]],
  pastry: [['pastry', 0.35], ['tea', 0.3], ['cafe-bar', 0.15]],
  wine: [['wine', 0.35], ['pastry', 0.25]],
  skincare: [['skincare', 0.4], ['bedding', 0.15], ['souvenirs', 0.15]],
  bedding: [['bedding', 0.3], ['skincare', 0.3]],
  souvenirs: [['souvenirs', 0.4], ['pastry', 0.2], ['tea', 0.15]],
};

export interface DemoProduct {
  sku: string;
  name: string;
  category: CategoryCode;
  /** Index in CATEGORIES. */
  categoryIndex: number;
  listPriceMinor: number;
  unitCostMinor: number;
  /** Relative popularity within its category (Zipf-like by list position). */
  popularity: number;
}

/**
 * The product list. Unit costs are fixed by position within the category's cost-share range,
 * rounded to the fen, so margins are realistic (20-75%) and identical in every demo.
 */
export function buildProducts(): DemoProduct[] {
  const out: DemoProduct[] = [];
  CATEGORIES.forEach((cat, ci) => {
    const items = ITEMS[cat.code];
    items.forEach(([name, yuan], k) => {
      // Spread cost shares over the range with a fixed irregular pattern (golden-ratio steps).
      const frac = (k * 0.6180339887) % 1;
      let share = cat.costShare[0] + frac * (cat.costShare[1] - cat.costShare[0]);
      if (name.includes('Moutai')) share = 0.8; // scarce spirits sell at thin margins
      const list = yuan * 100;
      out.push({
        sku: `${cat.prefix}${String(k + 1).padStart(3, '0')}`,
        name,
        category: cat.code,
        categoryIndex: ci,
        listPriceMinor: list,
        unitCostMinor: Math.round(list * share),
        popularity: 1 / Math.pow(k + 1, 0.8),
      });
    });
  });
  return out;
}
