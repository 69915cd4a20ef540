import { randomBytes } from 'node:crypto';
import { z } from 'zod';

/** Normalisation shared by every customer write (HTTP, CLI, import hints), so search keys match. */
export function nameKey(name: string | null | undefined): string | null {
  const n = name?.trim();
  return n ? n.toLowerCase() : null;
}

export function normalizePhone(phone: string | null | undefined): string | null {
  const p = phone?.trim();
  return p ? p : null;
}

export function normalizeEmail(email: string | null | undefined): string | null {
  const e = email?.trim().toLowerCase();
  return e ? e : null;
}

// Crockford base32: no I, L, O, U, so generated ids survive being read aloud or typed.
const BASE32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** `C` + 10 random base32 characters (50 bits): unique enough to generate without a counter. */
export function newCustomerExternalId(): string {
  const bytes = randomBytes(10);
  let out = 'C';
  for (let i = 0; i < 10; i++) out += BASE32[bytes[i]! & 31];
  return out;
}

/** Optional text: trimmed, '' becomes null (forms send empty strings for cleared fields). */
const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((s) => (s === '' ? null : s))
    .nullable()
    .optional();

const TagsSchema = z
  .array(z.string().trim().min(1).max(60))
  .max(100)
  .transform((tags) => [...new Set(tags)]);

const AttributesSchema = z
  .record(z.string().min(1).max(100), z.json())
  .refine((o) => JSON.stringify(o).length <= 16_384, 'attributes must be at most 16 KiB of JSON');

const EmailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .refine((s) => s === '' || /^[^\s@]+@[^\s@]+$/.test(s), 'not an email address')
  .transform((s) => (s === '' ? null : s))
  .nullable()
  .optional();

const customerFields = {
  name: text(200),
  gender: text(20),
  birthday: z.iso.date().nullable().optional(),
  phone: text(40),
  email: EmailSchema,
  city: text(100),
  country: text(100),
  tags: TagsSchema.optional(),
  attributes: AttributesSchema.optional(),
  acquisitionChannel: text(60),
  acquisitionCostMinor: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  /** Customer id of the referrer. */
  referredBy: z.number().int().positive().nullable().optional(),
  /** Alternatively, the referrer's external id (integrations know those). */
  referredByExternalId: z.string().trim().min(1).max(100).optional(),
  consentSms: z.boolean().optional(),
  consentEmail: z.boolean().optional(),
  homeVenueId: z.number().int().positive().nullable().optional(),
};

export const CustomerCreateSchema = z.strictObject({
  externalId: z.string().trim().min(1).max(100).optional().describe('Generated (C + 10 base32 characters) when absent'),
  ...customerFields,
});

export const CustomerPatchSchema = z.strictObject({
  externalId: z.string().trim().min(1).max(100).optional(),
  ...customerFields,
});

export type CustomerCreate = z.output<typeof CustomerCreateSchema>;
export type CustomerPatch = z.output<typeof CustomerPatchSchema>;

export const ContactCreateSchema = z.strictObject({
  externalId: z.string().trim().min(1).max(100).optional().describe('Makes posting the same contact twice a 409 instead of a duplicate'),
  occurredAt: z.iso.datetime({ offset: true }).optional().describe('ISO-8601 with offset; default now'),
  channel: z
    .string()
    .trim()
    .toLowerCase()
    .min(1)
    .max(40)
    .describe('visit, call, sms, email, mail, gift, wechat, ...'),
  direction: z.enum(['inbound', 'outbound']).default('outbound'),
  purpose: text(200),
  costMinor: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0).describe('Cost of this contact in minor units'),
  note: text(2000),
  venueId: z.number().int().positive().nullable().optional(),
});

export type ContactCreate = z.output<typeof ContactCreateSchema>;
