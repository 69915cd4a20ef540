import type { Role } from '../../storage/schema.js';
import { hasPermission, type Permission } from './permissions.js';

/** Who is making a request: a person with a session, or an integration with an API token. */
export type Principal =
  | { kind: 'user'; id: number; username: string; displayName: string | null; role: Role; venueId: number | null }
  | { kind: 'token'; id: number; name: string; role: Role; venueId: number | null };

/** The audit log's actor text: 'user:<id>', 'token:<id>' or 'cli'. */
export type Actor = `user:${number}` | `token:${number}` | 'cli' | 'system';

export function actorOf(p: Principal): Actor {
  return p.kind === 'user' ? `user:${p.id}` : `token:${p.id}`;
}

export function can(p: Principal, permission: Permission): boolean {
  return hasPermission(p.role, permission);
}
