import type { Kysely } from 'kysely';
import { z } from 'zod';
import { slaStatus, type SlaClock, type SlaPolicy, type SlaState } from '../../analytics/satisfaction/index.js';
import type { CaseRow } from '../../storage/cases.repo.js';
import type { Database } from '../../storage/schema.js';
import { appendAudit } from '../../storage/audit.repo.js';
import { getSetting, putSetting, SLA_POLICY_KEY } from '../../storage/voice.repo.js';
import { PatronError } from '../errors.js';
import { DEFAULTS } from './defaults.js';

/**
 * SLA timers of complaint cases. The clocks themselves are `slaStatus` from the satisfaction
 * analytics (inclusive due time: exactly at dueAt is on time, dueAt + 1 ms is breached; warning
 * from the last 20% of the allowed time). Each case carries the targets copied from the policy
 * when it was opened or re-graded, so editing the policy does not rewrite past breaches.
 */
const Targets = z.strictObject({
  firstResponseMinutes: z.number().int().min(1).max(525_600),
  resolutionMinutes: z.number().int().min(1).max(525_600),
});

export const SlaPolicySchema = z
  .record(z.string().regex(/^[a-z][a-z0-9_-]{0,29}$/, 'severity names are lower-case words'), Targets)
  .refine((p) => Object.keys(p).length >= 1 && Object.keys(p).length <= 20, '1 to 20 severities')
  .refine((p) => Object.values(p).every((t) => t.firstResponseMinutes <= t.resolutionMinutes), 'first response target must not exceed the resolution target');

export async function getSlaPolicy(db: Kysely<Database>): Promise<SlaPolicy> {
  const stored = await getSetting<unknown>(db, SLA_POLICY_KEY);
  const parsed = stored === undefined ? null : SlaPolicySchema.safeParse(stored);
  return parsed?.success ? parsed.data : DEFAULTS.slaPolicy;
}

export async function putSlaPolicy(db: Kysely<Database>, policy: SlaPolicy, w: { actor: string; now: string }): Promise<SlaPolicy> {
  const p = SlaPolicySchema.parse(policy);
  await db.transaction().execute(async (trx) => {
    await putSetting(trx, SLA_POLICY_KEY, p);
    await appendAudit(trx, { at: w.now, actor: w.actor, action: 'update', entity: 'sla_policy', detail: p });
  });
  return p;
}

export function targetsFor(policy: SlaPolicy, severity: string): { firstResponseMinutes: number; resolutionMinutes: number } {
  const t = Object.prototype.hasOwnProperty.call(policy, severity) ? policy[severity] : undefined;
  if (!t) throw new PatronError('VALIDATION', `unknown severity ${severity}; the SLA policy has ${Object.keys(policy).join(', ')}`, { path: 'severity' });
  return t;
}

export interface SlaClockView {
  dueAt: string;
  warningAt: string;
  completedAt: string | null;
  state: SlaState;
  met: boolean | null;
  remainingMs: number;
}

export interface CaseSlaView {
  /** The worse of the two clocks. */
  state: SlaState;
  firstResponse: SlaClockView;
  resolution: SlaClockView;
}

function clockView(c: SlaClock): SlaClockView {
  return {
    dueAt: new Date(c.dueAt).toISOString(),
    warningAt: new Date(c.warningAt).toISOString(),
    completedAt: c.completedAt === null ? null : new Date(c.completedAt).toISOString(),
    state: c.state,
    met: c.met,
    remainingMs: c.remainingMs,
  };
}

const RANK: Record<SlaState, number> = { ok: 0, warning: 1, breached: 2 };

/** SLA of one case at `now`, from the targets stored on the case. */
export function caseSla(c: CaseRow, now: Date): CaseSlaView {
  const policy: SlaPolicy = {
    [c.severity]: { firstResponseMinutes: c.sla_first_response_minutes, resolutionMinutes: c.sla_resolution_minutes },
  };
  const s = slaStatus(
    {
      severity: c.severity,
      createdAt: Date.parse(c.opened_at),
      firstRespondedAt: c.first_response_at ? Date.parse(c.first_response_at) : null,
      resolvedAt: c.resolved_at ? Date.parse(c.resolved_at) : null,
    },
    policy,
    now.getTime(),
  );
  const state = RANK[s.firstResponse.state] >= RANK[s.resolution.state] ? s.firstResponse.state : s.resolution.state;
  return { state, firstResponse: clockView(s.firstResponse), resolution: clockView(s.resolution) };
}
