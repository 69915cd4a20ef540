import { insertCustomer, insertVenue } from '../../storage/customers.repo.js';
import type { Db } from '../../storage/db.js';
import type { Venue } from '../../storage/schema.js';
import { enrollMember, type MemberView } from './members.js';
import type { OpContext } from './operations.js';
import { createProgramme, type ProgrammeConfig, type ProgrammeCreate, type WriteContext } from './programmes.js';

/**
 * Test data for the loyalty suites (plain code, no vitest import): two hotels in one co-branded
 * programme, and a shop outside it.
 */
export const T0 = '2024-06-30T12:00:00.000Z';

export function wc(now: string = T0, actor = 'test'): WriteContext {
  return { actor, now };
}

export function at(venueId: number | null, now: string = T0, scopeVenueId: number | null = null): OpContext {
  return { actor: 'test', now, venueId, scopeVenueId };
}

export interface Fixture {
  hotelA: Venue;
  hotelB: Venue;
  shop: Venue;
  programme: ProgrammeConfig;
}

export async function setupProgramme(db: Db, overrides: Partial<ProgrammeCreate> = {}): Promise<Fixture> {
  const k = db.kysely;
  const hotelA = await insertVenue(k, { code: 'HA', name: 'Hotel A', kind: 'hotel', city: 'Hangzhou', createdAt: T0 });
  const hotelB = await insertVenue(k, { code: 'HB', name: 'Hotel B', kind: 'hotel', city: 'Suzhou', createdAt: T0 });
  const shop = await insertVenue(k, { code: 'SC', name: 'Shop C', kind: 'outlet', city: null, createdAt: T0 });
  const programme = await createProgramme(
    db,
    {
      code: 'VIP',
      name: 'Two hotels VIP card',
      venueCodes: ['HA', 'HB'],
      earnRateBp: 500,
      pointValueMinor: 1,
      pointsExpiryDays: 365,
      topupBonuses: [{ minPaidMinor: 100_000, bonusMinor: 10_000 }],
      ...overrides,
    },
    wc(),
  );
  return { hotelA, hotelB, shop, programme };
}

let n = 0;

export async function newMember(db: Db, f: Fixture, opts: { phone?: string; venueId?: number } = {}): Promise<MemberView> {
  n++;
  const c = await insertCustomer(db.kysely, {
    external_id: `LC${process.pid}-${n}-${Math.random().toString(36).slice(2, 8)}`,
    name: `Member ${n}`,
    name_key: `member ${n}`,
    phone: opts.phone ?? null,
    email: null,
    gender: null,
    birthday: null,
    city: null,
    country: null,
    tags: '[]',
    attributes: '{}',
    acquisition_channel: null,
    referred_by: null,
    home_venue_id: null,
    created_at: T0,
    updated_at: T0,
  });
  const r = await enrollMember(db, { programmeId: f.programme.id, customerId: c.id, venueId: opts.venueId ?? f.hotelA.id }, wc());
  return r.member;
}
