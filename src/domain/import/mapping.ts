import { PatronError } from '../errors.js';

/** Fields an order file can carry. Only `date` (or --default-date) and an amount or unit price are required. */
export const FIELDS = [
  'order_id', 'customer_id', 'customer_name', 'phone', 'email', 'city', 'country', 'date', 'sku', 'description',
  'category', 'quantity', 'unit_price', 'amount', 'discount', 'unit_cost', 'venue', 'channel', 'payment_method',
  'status', 'returns_order_id',
] as const;
export type Field = (typeof FIELDS)[number];

/**
 * Header synonyms, English and Chinese, compared after lower-casing and removing spaces,
 * underscores and hyphens. Covers the shared data sets (CDNOW, UCI Online Retail) and common
 * Chinese POS / e-commerce exports.
 */
const SYNONYMS: Record<Field, string[]> = {
  order_id: ['orderid', 'orderno', 'ordernumber', 'order', 'invoice', 'invoiceno', 'invoicenumber', 'receipt', 'receiptno', 'transactionid', '订单号', '订单编号', '单号', '小票号', '流水号', '发票号'],
  customer_id: ['customerid', 'customer', 'custid', 'customerno', 'memberid', 'memberno', 'clientid', '客户编号', '客户id', '客户号', '会员号', '会员编号', '会员id', '顾客编号'],
  customer_name: ['customername', 'name', 'membername', 'clientname', '客户名称', '客户姓名', '姓名', '会员姓名', '顾客姓名'],
  phone: ['phone', 'mobile', 'tel', 'telephone', 'phonenumber', '手机', '手机号', '电话', '联系电话', '手机号码'],
  email: ['email', 'mail', 'emailaddress', '邮箱', '电子邮件'],
  city: ['city', '城市', '所在城市'],
  country: ['country', '国家', '国家地区'],
  date: ['date', 'orderdate', 'invoicedate', 'orderedat', 'datetime', 'time', 'timestamp', 'transactiondate', 'purchasedate', '下单时间', '订单时间', '日期', '交易时间', '消费时间', '购买时间', '下单日期', '订单日期'],
  sku: ['sku', 'stockcode', 'productid', 'productcode', 'itemid', 'itemcode', 'item', 'barcode', '商品编号', '商品编码', '货号', '商品id', '条码'],
  description: ['description', 'productname', 'product', 'itemname', 'title', '商品名称', '品名', '商品', '商品描述'],
  category: ['category', 'productcategory', 'department', '类别', '品类', '商品类别', '分类'],
  quantity: ['quantity', 'qty', 'units', 'numberofcds', 'count', '数量', '购买数量', '件数'],
  unit_price: ['unitprice', 'price', 'saleprice', '单价', '售价', '价格'],
  amount: ['amount', 'total', 'linetotal', 'totalamount', 'dollarvalue', 'sales', 'revenue', 'value', 'paid', '金额', '总金额', '实付金额', '消费金额', '成交金额', '实收金额', '订单金额'],
  discount: ['discount', 'discountamount', '折扣', '优惠', '优惠金额', '折扣金额'],
  unit_cost: ['unitcost', 'cost', 'costprice', '成本', '单位成本', '成本价'],
  venue: ['venue', 'store', 'shop', 'outlet', 'hotel', 'branch', 'storecode', '门店', '店铺', '门店编号', '酒店', '分店'],
  channel: ['channel', 'saleschannel', '渠道', '销售渠道'],
  payment_method: ['paymentmethod', 'payment', 'paymenttype', 'paidby', '支付方式', '付款方式'],
  status: ['status', 'orderstatus', '状态', '订单状态'],
  returns_order_id: ['returnsorderid', 'originalorderid', 'originalorder', 'returnof', '原订单号', '原单号'],
};

export function normaliseHeader(h: string): string {
  return h.trim().toLowerCase().replace(/[\s_\-./()（）]+/g, '');
}

const LOOKUP = new Map<string, Field>();
for (const f of FIELDS) for (const s of SYNONYMS[f]) LOOKUP.set(s, f);

/** Which field a header names, if any. */
export function fieldForHeader(h: string): Field | undefined {
  return LOOKUP.get(normaliseHeader(h));
}

/** Does this record look like a header row (at least two cells name known fields, none parse as numbers)? */
export function looksLikeHeader(cells: string[]): boolean {
  let known = 0;
  for (const c of cells) {
    if (fieldForHeader(c)) known++;
    if (/^-?\d+([.,]\d+)?$/.test(c.trim())) return false;
  }
  return known >= 2 || (cells.length === 1 && known === 1);
}

/** field -> 0-based column index */
export type ColumnMap = Partial<Record<Field, number>>;

/**
 * Builds the column map from the header (auto-detection) and explicit `field=column` overrides,
 * where column is a header name or a 1-based position.
 */
export function buildColumnMap(header: string[] | null, overrides: Partial<Record<Field, string>>): ColumnMap {
  const map: ColumnMap = {};
  if (header) {
    header.forEach((h, i) => {
      const f = fieldForHeader(h);
      if (f && map[f] === undefined) map[f] = i;
    });
  }
  for (const [field, col] of Object.entries(overrides) as [Field, string][]) {
    if (!FIELDS.includes(field)) throw new PatronError('VALIDATION', `unknown field "${field}" in mapping (known: ${FIELDS.join(', ')})`);
    if (col === '' || col === '-') {
      delete map[field];
      continue;
    }
    if (/^\d+$/.test(col)) {
      map[field] = Number(col) - 1;
      continue;
    }
    const idx = header ? header.findIndex((h) => h.trim() === col.trim() || normaliseHeader(h) === normaliseHeader(col)) : -1;
    if (idx < 0) throw new PatronError('VALIDATION', `mapping ${field}=${col}: no such column${header ? ` (columns: ${header.join(', ')})` : ' (file has no header: use positions, e.g. 3)'}`);
    map[field] = idx;
  }
  return map;
}

/** Parses `field=column` pairs from repeated --map flags. */
export function parseMapFlags(pairs: string[]): Partial<Record<Field, string>> {
  const out: Partial<Record<Field, string>> = {};
  for (const p of pairs) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new PatronError('VALIDATION', `--map expects field=column, got "${p}"`);
    out[p.slice(0, eq).trim() as Field] = p.slice(eq + 1).trim();
  }
  return out;
}

const STATUS: Record<string, 'completed' | 'cancelled' | 'returned'> = {
  completed: 'completed', complete: 'completed', done: 'completed', paid: 'completed', closed: 'completed', '已完成': 'completed', '完成': 'completed', '已支付': 'completed', '交易成功': 'completed',
  cancelled: 'cancelled', canceled: 'cancelled', void: 'cancelled', '已取消': 'cancelled', '取消': 'cancelled', '交易关闭': 'cancelled',
  returned: 'returned', refunded: 'returned', '已退货': 'returned', '已退款': 'returned', '退货': 'returned',
};

export function parseStatus(s: string): 'completed' | 'cancelled' | 'returned' | undefined {
  return STATUS[s.trim().toLowerCase()];
}
