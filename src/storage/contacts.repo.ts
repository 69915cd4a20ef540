import type { Kysely } from 'kysely';
import type { Contact, ContactsTable, Database } from './schema.js';
import type { Insertable } from 'kysely';

/** Touchpoints with customers (visits, calls, messages, gifts ...) and what each cost. */

export async function insertContact(db: Kysely<Database>, row: Insertable<ContactsTable>): Promise<Contact> {
  return db.insertInto('contacts').values(row).returningAll().executeTakeFirstOrThrow();
}

/** Newest first (uses contacts_customer_idx). */
export function recentContactsOfCustomer(db: Kysely<Database>, customerId: number, limit: number): Promise<Contact[]> {
  return db
    .selectFrom('contacts')
    .selectAll()
    .where('customer_id', '=', customerId)
    .orderBy('day', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}

export async function contactTotals(db: Kysely<Database>, customerId: number): Promise<{ contacts: number; costMinor: number }> {
  const r = await db
    .selectFrom('contacts')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.sum<number | null>('cost_minor').as('cost')])
    .where('customer_id', '=', customerId)
    .executeTakeFirstOrThrow();
  return { contacts: Number(r.n), costMinor: Number(r.cost ?? 0) };
}
