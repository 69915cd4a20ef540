import type { Role } from '../../storage/schema.js';

export type { Role };

export const ROLES: readonly Role[] = ['admin', 'manager', 'marketing', 'service', 'staff'];

/**
 * Every permission a route can require. Add new ones here and grant them in ROLE_PERMISSIONS;
 * the table below is the one place that says who may do what.
 */
export const PERMISSIONS = [
  'session:self', // log out, see who I am (every signed-in principal)
  'docs:read', // the OpenAPI document and its UI
  'customers:read',
  'customers:write',
  'customers:export', // the filtered customer list as CSV (bulk personal data)
  'segments:write', // save, change and delete one's own saved segments of the customer list
  'segments:share', // share saved segments with everyone; change or delete others' shared ones
  'contacts:write', // touchpoints: visits, calls, gifts ... with their cost
  'orders:read',
  'orders:write', // post orders (a point-of-sale token)
  'imports:run',
  'imports:read',
  'analytics:read', // overview, value analytics, predictions
  'campaigns:write', // contact plans, campaigns (later issues)
  'loyalty:operate', // cards, points, stored value at the counter (later issues)
  'cases:write', // complaints and service recovery (later issues)
  'surveys:write', // satisfaction surveys (later issues)
  'venues:read',
  'venues:write',
  'settings:read',
  'settings:admin',
  'users:admin',
  'tokens:admin',
  'audit:read',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

const EVERYONE: readonly Permission[] = ['session:self', 'docs:read', 'customers:read', 'venues:read', 'settings:read'];

/** Role -> permissions. Read it as a table; docs/api.md prints it. */
export const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<Permission>>> = Object.freeze({
  // Everything, including people, tokens and business settings.
  admin: new Set<Permission>(PERMISSIONS),
  // Runs the business: all data work, but does not manage accounts or settings.
  manager: new Set<Permission>([
    ...EVERYONE, 'customers:write', 'customers:export', 'segments:write', 'segments:share', 'contacts:write', 'orders:read',
    'orders:write', 'imports:run', 'imports:read', 'analytics:read', 'campaigns:write', 'loyalty:operate', 'cases:write',
    'surveys:write', 'venues:write', 'audit:read',
  ]),
  // Segments, value analytics, campaigns; reads orders but does not post them.
  marketing: new Set<Permission>([
    ...EVERYONE, 'customers:write', 'customers:export', 'segments:write', 'segments:share', 'contacts:write', 'orders:read',
    'analytics:read', 'campaigns:write', 'surveys:write',
  ]),
  // Customer service: complaints, recovery, contacts, loyalty at the desk.
  service: new Set<Permission>([
    ...EVERYONE, 'customers:write', 'segments:write', 'contacts:write', 'orders:read', 'analytics:read', 'loyalty:operate', 'cases:write',
  ]),
  // Front-line staff and point-of-sale tokens: register customers, post orders, operate cards.
  staff: new Set<Permission>([...EVERYONE, 'customers:write', 'contacts:write', 'orders:read', 'orders:write', 'loyalty:operate']),
});

export function hasPermission(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role]?.has(permission) ?? false;
}

export function permissionsOf(role: Role): Permission[] {
  return PERMISSIONS.filter((p) => ROLE_PERMISSIONS[role].has(p));
}

export function isRole(x: string): x is Role {
  return (ROLES as readonly string[]).includes(x);
}
