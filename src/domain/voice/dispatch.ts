import type { Kysely } from 'kysely';
import type { Database, PostPurchaseStage, SurveyTriggerEvent } from '../../storage/schema.js';
import { appendAudit } from '../../storage/audit.repo.js';
import { getSettings } from '../../storage/settings.repo.js';
import {
  activeTriggers,
  casesClosedBetween,
  firstPurchasesBetween,
  recentlyInvited,
  salesBetween,
  type TriggerEvent,
} from '../../storage/surveys.repo.js';
import { dayToDate } from '../time.js';
import { instantFromUtcMs } from '../time.js';
import { linkSecret } from './links.js';
import { insertNewInvitation, toInvitationView, type InvitationView, type WriteContext } from './surveys.js';

/**
 * The trigger job (`patron survey dispatch`): finds events that are due for a survey as of a
 * given instant and creates one invitation per event. An event is due `delayDays` after it
 * happened and stays due for `lookbackDays` more, so a job that missed a day catches up, and a
 * new trigger does not survey ancient history. Each invitation carries a dedupe key
 * (trigger + event), unique per survey: running the job twice creates nothing new.
 * A customer invited to the same survey within `cooldownDays` is skipped (survey fatigue).
 */
export interface TriggerRun {
  triggerId: number;
  surveyId: number;
  event: SurveyTriggerEvent;
  stage: PostPurchaseStage | null;
  /** Event dates looked at (business-local days, inclusive). */
  window: { from: string; to: string };
  candidates: number;
  created: number;
  alreadyInvited: number;
  cooledDown: number;
}

export interface DispatchResult {
  asOf: string;
  triggers: TriggerRun[];
  /** The new invitations with their link paths, for delivery (SMS, email, receipt print). */
  invitations: InvitationView[];
}

const DAY_MS = 86_400_000;

export async function dispatchSurveys(db: Kysely<Database>, asOf: Date, w: WriteContext): Promise<DispatchResult> {
  const { timeZone } = await getSettings(db);
  const secret = await linkSecret(db);
  const asOfMs = asOf.getTime();
  const asOfDay = instantFromUtcMs(asOfMs, timeZone).day;
  const result: DispatchResult = { asOf: asOf.toISOString(), triggers: [], invitations: [] };

  for (const t of await activeTriggers(db)) {
    const toDay = asOfDay - t.delay_days;
    const fromDay = toDay - t.lookback_days;
    let events: TriggerEvent[];
    let kind: string;
    if (t.event === 'first_purchase') {
      events = await firstPurchasesBetween(db, fromDay, toDay);
      kind = 'first';
    } else if (t.event === 'order_followup') {
      events = await salesBetween(db, fromDay, toDay);
      kind = 'order';
    } else {
      // Closed cases are instants, not days: due delay days after closing, to the millisecond.
      const to = new Date(asOfMs - t.delay_days * DAY_MS).toISOString();
      const from = new Date(asOfMs - (t.delay_days + t.lookback_days) * DAY_MS).toISOString();
      events = await casesClosedBetween(db, from, to);
      kind = 'case';
    }
    const run: TriggerRun = {
      triggerId: t.id,
      surveyId: t.survey_id,
      event: t.event,
      stage: t.stage,
      window: { from: dayToDate(fromDay), to: dayToDate(toDay) },
      candidates: events.length,
      created: 0,
      alreadyInvited: 0,
      cooledDown: 0,
    };
    await db.transaction().execute(async (trx) => {
      const existing = new Set(
        (await trx.selectFrom('survey_invitations').select('dedupe_key').where('trigger_id', '=', t.id).execute()).map((r) => r.dedupe_key),
      );
      const cooling = t.cooldown_days > 0 ? await recentlyInvited(trx, t.survey_id, new Date(asOfMs - t.cooldown_days * DAY_MS).toISOString()) : new Set<number>();
      for (const e of events) {
        const key = `t${t.id}:${kind}:${kind === 'first' ? e.customerId : kind === 'order' ? e.orderId : e.caseId}`;
        if (existing.has(key)) {
          run.alreadyInvited++;
          continue;
        }
        if (cooling.has(e.customerId)) {
          run.cooledDown++;
          continue;
        }
        const row = await insertNewInvitation(
          trx,
          {
            surveyId: t.survey_id,
            triggerId: t.id,
            dedupeKey: key,
            customerId: e.customerId,
            orderId: e.orderId,
            caseId: e.caseId,
            venueId: e.venueId,
            stage: t.stage,
            locale: t.default_locale,
            ttlDays: t.link_ttl_days,
          },
          w,
        );
        if (!row) {
          // Another dispatch got there first.
          run.alreadyInvited++;
          continue;
        }
        if (t.cooldown_days > 0) cooling.add(e.customerId);
        run.created++;
        result.invitations.push(toInvitationView(row, secret, w.now));
      }
      if (run.created > 0) {
        await appendAudit(trx, { at: w.now, actor: w.actor, action: 'dispatch', entity: 'survey_trigger', entityId: t.id, detail: { asOf: result.asOf, created: run.created } });
      }
    });
    result.triggers.push(run);
  }
  return result;
}
