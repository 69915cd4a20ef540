import { z } from 'zod';
import { getOverview } from '../../domain/customers/overview.js';
import { getSettings } from '../../storage/settings.repo.js';
import { requirePermission } from '../auth.js';
import { errorResponses } from '../schemas.js';
import type { App, AppDeps } from '../types.js';

const OverviewSchema = z
  .object({
    asOf: z.string().describe('Business-local date'),
    customers: z.number().int(),
    orders: z.number().int().describe('Completed sales'),
    anonymousOrders: z.number().int(),
    revenueMinor: z.number().int().describe('Completed sales and returns, net'),
    activeWindowDays: z.number().int(),
    activeCustomers: z.number().int().describe('Customers with a completed sale in the last activeWindowDays days'),
    buyers: z.number().int(),
    repeatBuyers: z.number().int().describe('Buyers with purchases on at least two distinct days'),
    repeatPurchaseRate: z.number().nullable().describe('repeatBuyers / buyers'),
  })
  .meta({ id: 'Overview' });

export function registerOverviewRoutes(app: App, deps: AppDeps): void {
  app.get(
    '/api/overview',
    {
      onRequest: requirePermission('analytics:read'),
      schema: { tags: ['analytics'], summary: 'Headline counts for the dashboard', response: { 200: OverviewSchema, ...errorResponses } },
    },
    async () => {
      const settings = await getSettings(deps.db.kysely);
      return getOverview(deps.db.kysely, deps.clock(), settings.timeZone);
    },
  );
}
