import { z } from 'zod';
import { PatronError } from '../../domain/errors.js';
import { assertTimeZone } from '../../domain/time.js';
import { appendAudit } from '../../storage/audit.repo.js';
import { getSettings, putSettings } from '../../storage/settings.repo.js';
import { requirePermission, writeContext } from '../auth.js';
import { ErrorSchema, errorResponses } from '../schemas.js';
import type { App, AppDeps } from '../types.js';

const SettingsSchema = z
  .object({
    name: z.string(),
    currency: z.string(),
    currencyDecimals: z.number().int(),
    timeZone: z.string(),
    locale: z.enum(['zh-CN', 'en']),
  })
  .meta({ id: 'Settings' });

const SettingsPatchSchema = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  currency: z.string().trim().toUpperCase().regex(/^[A-Z]{3}$/, 'ISO 4217 code such as CNY, USD').optional(),
  currencyDecimals: z.number().int().min(0).max(4).optional(),
  timeZone: z
    .string()
    .trim()
    .refine((tz) => {
      try {
        assertTimeZone(tz);
        return true;
      } catch {
        return false;
      }
    }, 'unknown IANA time zone (e.g. Asia/Shanghai)')
    .optional(),
  locale: z.enum(['zh-CN', 'en']).optional(),
});

export function registerSettingsRoutes(app: App, deps: AppDeps): void {
  const db = deps.db.kysely;

  app.get(
    '/api/settings',
    {
      onRequest: requirePermission('settings:read'),
      schema: { tags: ['settings'], summary: 'Business settings (currency, time zone, locale)', response: { 200: SettingsSchema, ...errorResponses } },
    },
    async () => getSettings(db),
  );

  app.put(
    '/api/settings',
    {
      onRequest: requirePermission('settings:admin'),
      schema: {
        tags: ['settings'],
        summary: 'Change business settings (only the keys given)',
        description:
          'Currency and its decimals cannot change once orders exist: stored amounts are minor units of that currency. ' +
          'The time zone decides which calendar day an order falls on; orders already stored keep their day.',
        body: SettingsPatchSchema,
        response: { 200: SettingsSchema, ...errorResponses, 409: ErrorSchema },
      },
    },
    async (request) => {
      const w = writeContext(request, deps);
      const patch = request.body;
      return db.transaction().execute(async (trx) => {
        const before = await getSettings(trx);
        const moneyChanges =
          (patch.currency !== undefined && patch.currency !== before.currency) ||
          (patch.currencyDecimals !== undefined && patch.currencyDecimals !== before.currencyDecimals);
        if (moneyChanges && (await trx.selectFrom('orders').select('id').limit(1).executeTakeFirst())) {
          throw new PatronError('CONFLICT', 'currency cannot change once orders are stored (amounts are minor units of it)');
        }
        const after = await putSettings(trx, patch);
        await appendAudit(trx, { at: w.now, actor: w.actor, action: 'update', entity: 'settings', detail: patch });
        return after;
      });
    },
  );
}
