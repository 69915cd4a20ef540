import type { PostPurchaseStage } from '../../storage/schema.js';
import type { SlaPolicy } from '../../analytics/satisfaction/index.js';

/**
 * Every configurable value of the voice-of-the-customer workflows (docs/voice.md points here).
 * The statistics have their own *_DEFAULTS in src/analytics/satisfaction.
 */
export const DEFAULTS = Object.freeze({
  /** Days a survey link stays valid when the survey does not say. */
  linkTtlDays: 14,
  maxLinkTtlDays: 365,
  /** Bounded input on the public page: body size, free-text length, items per survey. */
  publicBodyLimitBytes: 32 * 1024,
  textMaxLength: 2000,
  defaultTextMaxLength: 1000,
  maxItems: 60,
  /** Public page submissions per client address per minute (abuse brake; links are single-use anyway). */
  publicRateMax: 30,
  publicRateWindowMs: 60_000,
  /**
   * SLA targets per severity in calendar minutes (first response, resolution). Override with the
   * `voice.slaPolicy` setting; each case copies its targets when opened or re-graded.
   */
  slaPolicy: {
    critical: { firstResponseMinutes: 60, resolutionMinutes: 24 * 60 },
    high: { firstResponseMinutes: 4 * 60, resolutionMinutes: 2 * 24 * 60 },
    normal: { firstResponseMinutes: 8 * 60, resolutionMinutes: 3 * 24 * 60 },
    low: { firstResponseMinutes: 24 * 60, resolutionMinutes: 7 * 24 * 60 },
  } satisfies SlaPolicy as SlaPolicy,
  /**
   * Days after the purchase at which each post-purchase stage is surveyed (DOMAIN.md section 6):
   * doubt right after buying (reassure), learning in the first weeks, acceptance once the product
   * is in use, re-evaluation before the customer would shop around again.
   */
  stageDelayDays: { doubt: 1, learning: 7, acceptance: 30, reevaluation: 60 } as Readonly<Record<PostPurchaseStage, number>>,
  /** A trigger only looks this many days back past its delay, so a new trigger does not survey ancient events. */
  triggerLookbackDays: 7,
  /** A customer gets at most one invitation to the same survey in this many days. */
  triggerCooldownDays: 30,
  /** Signals for the churn early warning look back this many days. */
  signalWindowDays: 90,
  /** Recovery outcome: re-purchase window after resolution, and the "was an active buyer" lookback before it. */
  recoveryWindowDays: 90,
  recoveryLookbackDays: 365,
  /** The NPS bootstrap interval is added for samples up to this size (seeded, reproducible). */
  npsBootstrapMaxN: 500,
  npsBootstrapSeed: 20240630,
  /** Follow-up after resolution, when none is given. */
  followUpAfterDays: 3,
});

/** Where each rating item's "satisfied" starts when the item does not say (journeys, low-score signals). */
export function defaultSatisfiedFrom(scaleMin: number, scaleMax: number): number {
  if (scaleMin === 1 && scaleMax === 5) return 4; // top-2-box, as CSAT_DEFAULTS
  if (scaleMin === 0 && scaleMax === 10) return 7; // not a detractor (Reichheld 2003)
  if (scaleMin === 1 && scaleMax === 7) return 5; // agree or better
  return Math.ceil(scaleMin + 0.6 * (scaleMax - scaleMin));
}
