import type { SegmentMember } from '../../storage/actions.repo.js';

/**
 * Which customers a channel may reach. SMS needs a phone number and SMS consent, e-mail an
 * address and e-mail consent (customers.consent_sms / consent_email). Other channels (a visit,
 * a call by the customer's own adviser, a gift at the counter) have no consent flag here and are
 * not filtered; campaigns, which message many people at once, only use the two consent channels.
 */
export const CONSENT_CHANNELS = ['sms', 'email'] as const;
export type ConsentChannel = (typeof CONSENT_CHANNELS)[number];

export type Reach = 'ok' | 'no-consent' | 'no-address';

export function isConsentChannel(channel: string): channel is ConsentChannel {
  return (CONSENT_CHANNELS as readonly string[]).includes(channel);
}

export function reach(m: SegmentMember, channel: string): Reach {
  if (channel === 'sms') {
    if (!m.phone) return 'no-address';
    return m.consentSms ? 'ok' : 'no-consent';
  }
  if (channel === 'email') {
    if (!m.email) return 'no-address';
    return m.consentEmail ? 'ok' : 'no-consent';
  }
  return 'ok';
}

export interface ReachCounts {
  reachable: number;
  /** Left out: no consent for the channel. */
  excludedNoConsent: number;
  /** Left out: no phone number / e-mail address for the channel. */
  excludedNoAddress: number;
}

/** Splits members into those the channel may reach and counts the rest by reason. */
export function filterReachable<M extends SegmentMember>(members: readonly M[], channel: string): { ok: M[]; counts: ReachCounts } {
  const ok: M[] = [];
  let noConsent = 0;
  let noAddress = 0;
  for (const m of members) {
    const r = reach(m, channel);
    if (r === 'ok') ok.push(m);
    else if (r === 'no-consent') noConsent++;
    else noAddress++;
  }
  return { ok, counts: { reachable: ok.length, excludedNoConsent: noConsent, excludedNoAddress: noAddress } };
}

/**
 * RFC 4180 field: quoted when it holds a comma, quote or line break. With `guardFormula`, free
 * text starting with = + - @ gets a leading apostrophe so a spreadsheet does not run it as a
 * formula (not for phone numbers: "+86..." must reach the SMS tool unchanged).
 */
export function csvField(v: string | number | boolean | null, guardFormula = false): string {
  if (v === null) return '';
  let s = typeof v === 'boolean' ? (v ? '1' : '0') : String(v);
  if (guardFormula && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
