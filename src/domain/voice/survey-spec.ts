import { z } from 'zod';
import type { SurveyItemType } from '../../storage/schema.js';
import { DEFAULTS, defaultSatisfiedFrom } from './defaults.js';

/**
 * The survey builder's input, validated where it enters (API, CLI file). Texts are given in
 * zh-CN and/or en; a plain string is used for both.
 */
export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export type I18nText = Partial<Record<Locale, string>>;

export const STAGES = ['doubt', 'learning', 'acceptance', 'reevaluation'] as const;
export const ITEM_TYPES = ['rating', 'nps', 'csat', 'effort', 'gap', 'kano', 'text'] as const satisfies readonly SurveyItemType[];

export const I18nSchema = (max: number) =>
  z.union([
    z
      .string()
      .trim()
      .min(1)
      .max(max)
      .transform((s): I18nText => ({ en: s, 'zh-CN': s })),
    z
      .strictObject({ en: z.string().trim().min(1).max(max).optional(), 'zh-CN': z.string().trim().min(1).max(max).optional() })
      .refine((o) => o.en !== undefined || o['zh-CN'] !== undefined, 'give the text in en and/or zh-CN'),
  ]);

// No double underscore: the public form names pair fields q_<key>__e, q_<key>__p ...
const Key = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,39}$/, 'lower-case letters, digits and _, starting with a letter (at most 40)')
  .refine((k) => !k.includes('__') && !k.endsWith('_'), 'no double underscore and no trailing _');
const Label = z.string().trim().min(1).max(60);
const base = { key: Key, text: I18nSchema(500), required: z.boolean().optional() };
const scaleFlags = {
  /** Ratings of this item are ratings of a journey touchpoint. */
  touchpoint: Label.optional(),
  /** Part of the satisfaction index. */
  indexItem: z.boolean().optional(),
  /** The overall-satisfaction item the index drivers are regressed on. */
  overall: z.boolean().optional(),
  /** First point counted as satisfied (journeys, low-score signals). */
  satisfiedFrom: z.number().int().optional(),
  /** An answer below this opens a complaint case automatically. */
  caseBelow: z.number().int().optional(),
};

export const ItemSchema = z.discriminatedUnion('type', [
  z.strictObject({ ...base, type: z.literal('rating'), scale: z.enum(['1-5', '0-10']).default('1-5'), ...scaleFlags }),
  z.strictObject({ ...base, type: z.literal('nps'), caseBelow: scaleFlags.caseBelow, satisfiedFrom: scaleFlags.satisfiedFrom }),
  z.strictObject({ ...base, type: z.literal('csat'), ...scaleFlags }),
  z.strictObject({ ...base, type: z.literal('effort'), caseBelow: scaleFlags.caseBelow, satisfiedFrom: scaleFlags.satisfiedFrom }),
  z.strictObject({ ...base, type: z.literal('gap'), attribute: Label }),
  z.strictObject({ ...base, type: z.literal('kano'), feature: Label, functional: I18nSchema(500), dysfunctional: I18nSchema(500) }),
  z.strictObject({ ...base, type: z.literal('text'), maxLength: z.number().int().min(1).max(DEFAULTS.textMaxLength).optional() }),
]);
export type ItemInput = z.output<typeof ItemSchema>;

export const ItemsSchema = z
  .array(ItemSchema)
  .min(1)
  .max(DEFAULTS.maxItems)
  .superRefine((items, ctx) => {
    const keys = new Set<string>();
    items.forEach((it, i) => {
      if (keys.has(it.key)) ctx.addIssue({ code: 'custom', path: [i, 'key'], message: `duplicate key ${it.key}` });
      keys.add(it.key);
      const [min, max] = scaleOfInput(it);
      for (const f of ['satisfiedFrom', 'caseBelow'] as const) {
        const v = (it as { satisfiedFrom?: number; caseBelow?: number })[f];
        if (v !== undefined && (v <= min || v > max)) ctx.addIssue({ code: 'custom', path: [i, f], message: `${f} must be in (${min}, ${max}]` });
      }
    });
    const overall = items.filter((it) => (it as { overall?: boolean }).overall);
    if (overall.length > 1) ctx.addIssue({ code: 'custom', path: [], message: 'at most one item can be the overall item' });
    if (overall.some((it) => (it as { indexItem?: boolean }).indexItem)) {
      ctx.addIssue({ code: 'custom', path: [], message: 'the overall item cannot also be an index item (it is what the items are regressed on)' });
    }
  });

export const SurveyCreateSchema = z.strictObject({
  code: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,59}$/, 'lower-case letters, digits, - and _ (at most 60)'),
  title: I18nSchema(200),
  intro: I18nSchema(2000).optional(),
  status: z.enum(['draft', 'active']).default('draft'),
  stage: z.enum(STAGES).optional(),
  defaultLocale: z.enum(LOCALES).default('zh-CN'),
  linkTtlDays: z.number().int().min(1).max(DEFAULTS.maxLinkTtlDays).default(DEFAULTS.linkTtlDays),
  autoCaseSeverity: z.string().trim().min(1).max(30).default('normal'),
  items: ItemsSchema,
});
export type SurveyCreate = z.output<typeof SurveyCreateSchema>;

export const SurveyPatchSchema = z.strictObject({
  title: I18nSchema(200).optional(),
  intro: I18nSchema(2000).nullable().optional(),
  status: z.enum(['draft', 'active', 'closed']).optional(),
  stage: z.enum(STAGES).nullable().optional(),
  defaultLocale: z.enum(LOCALES).optional(),
  linkTtlDays: z.number().int().min(1).max(DEFAULTS.maxLinkTtlDays).optional(),
  autoCaseSeverity: z.string().trim().min(1).max(30).optional(),
});
export type SurveyPatch = z.output<typeof SurveyPatchSchema>;

/** Stored per item in survey_items.config (everything but key, type, text, required). */
export interface ItemConfig {
  scaleMin?: number;
  scaleMax?: number;
  touchpoint?: string;
  indexItem?: boolean;
  overall?: boolean;
  satisfiedFrom?: number;
  caseBelow?: number;
  attribute?: string;
  feature?: string;
  functional?: I18nText;
  dysfunctional?: I18nText;
  maxLength?: number;
}

/** The answer scale of an item type (gap: SERVQUAL's 7 points; effort: CES 2.0's 7 points). */
export function scaleOf(type: SurveyItemType, config: ItemConfig = {}): [number, number] {
  switch (type) {
    case 'rating':
      return [config.scaleMin ?? 1, config.scaleMax ?? 5];
    case 'nps':
      return [0, 10];
    case 'csat':
      return [1, 5];
    case 'effort':
    case 'gap':
      return [1, 7];
    default:
      return [0, 0];
  }
}

function scaleOfInput(it: ItemInput): [number, number] {
  if (it.type === 'rating') return it.scale === '0-10' ? [0, 10] : [1, 5];
  return scaleOf(it.type);
}

export function isScaleType(type: SurveyItemType): boolean {
  return type === 'rating' || type === 'nps' || type === 'csat' || type === 'effort';
}

/** Splits a validated item into the stored columns. */
export function itemToRow(it: ItemInput): { key: string; type: SurveyItemType; text: I18nText; required: boolean; config: ItemConfig } {
  const config: ItemConfig = {};
  const { key, type, text } = it;
  if (it.type === 'rating') [config.scaleMin, config.scaleMax] = scaleOfInput(it);
  if (it.type === 'rating' || it.type === 'csat') {
    if (it.touchpoint) config.touchpoint = it.touchpoint;
    if (it.indexItem) config.indexItem = true;
    if (it.overall) config.overall = true;
  }
  if ('satisfiedFrom' in it && it.satisfiedFrom !== undefined) config.satisfiedFrom = it.satisfiedFrom;
  if ('caseBelow' in it && it.caseBelow !== undefined) config.caseBelow = it.caseBelow;
  if (it.type === 'gap') config.attribute = it.attribute;
  if (it.type === 'kano') {
    config.feature = it.feature;
    config.functional = it.functional;
    config.dysfunctional = it.dysfunctional;
  }
  if (it.type === 'text') config.maxLength = it.maxLength ?? DEFAULTS.defaultTextMaxLength;
  return { key, type, text, required: it.required ?? false, config };
}

/** First satisfied point of a scale item. */
export function satisfiedFrom(type: SurveyItemType, config: ItemConfig): number {
  if (config.satisfiedFrom !== undefined) return config.satisfiedFrom;
  const [min, max] = scaleOf(type, config);
  return defaultSatisfiedFrom(min, max);
}

/** Picks the text in `locale`, falling back to the other language. */
export function pick(text: I18nText | null | undefined, locale: Locale): string {
  if (!text) return '';
  return text[locale] ?? text[locale === 'en' ? 'zh-CN' : 'en'] ?? '';
}
