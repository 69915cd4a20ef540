import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, describeEachDialect } from '../test-support/databases.js';
import { PERMISSIONS, ROLES, ROLE_PERMISSIONS, hasPermission } from '../domain/auth/permissions.js';
import { updateUser } from '../domain/auth/accounts.js';
import type { Db } from '../storage/db.js';
import { bearer, signIn, TEST_NOW, testApp, testConfig } from './test-helpers.js';
import type { App } from './types.js';
import { loadConfig } from '../config.js';

/** A concrete URL for a route pattern (params filled with plausible values). */
function concreteUrl(pattern: string): string {
  return pattern.replace(/:[A-Za-z]+/g, '1').replace(/\*$/, 'x');
}

// The survey response page is public by design: a signed, expiring, single-use link is the credential.
const PUBLIC_ROUTES = new Set(['GET /health', 'HEAD /health', 'POST /api/auth/login', 'GET /s/:token', 'HEAD /s/:token', 'POST /s/:token']);

describe('permission table', () => {
  it('gives admin everything and every role the basics', () => {
    for (const p of PERMISSIONS) expect(hasPermission('admin', p)).toBe(true);
    for (const r of ROLES) {
      expect(ROLE_PERMISSIONS[r].has('session:self')).toBe(true);
      expect(ROLE_PERMISSIONS[r].has('customers:read')).toBe(true);
    }
  });

  it('keeps accounts and settings with admins only', () => {
    for (const r of ROLES.filter((x) => x !== 'admin')) {
      expect(hasPermission(r, 'users:admin')).toBe(false);
      expect(hasPermission(r, 'tokens:admin')).toBe(false);
      expect(hasPermission(r, 'settings:admin')).toBe(false);
    }
    expect(hasPermission('staff', 'orders:write')).toBe(true);
    expect(hasPermission('marketing', 'orders:write')).toBe(false);
    expect(hasPermission('staff', 'imports:run')).toBe(false);
  });
});

describeEachDialect('HTTP authentication and roles', (dialect) => {
  let db: Db;
  let app: App;

  beforeAll(async () => {
    db = await createTestDb(dialect);
    // Many sign-ins from one address in this suite; the limit itself is tested below.
    app = testApp(db, { loginRateLimit: { max: 1000, windowMs: 60_000 } });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  it('registers a permission for every /api route and keeps only health and login public', () => {
    const routes = app.patronRoutes;
    expect(routes.length).toBeGreaterThan(25);
    for (const r of routes) {
      if (r.url.startsWith('/api')) expect(r.public || r.permission !== null, `${r.method} ${r.url}`).toBe(true);
      if (r.public) expect(PUBLIC_ROUTES.has(`${r.method} ${r.url}`), `${r.method} ${r.url} is public`).toBe(true);
    }
  });

  it('answers 401 without credentials on every protected route', async () => {
    const protectedRoutes = app.patronRoutes.filter((r) => !r.public && (r.url.startsWith('/api') || r.url.startsWith('/docs')));
    expect(protectedRoutes.length).toBeGreaterThan(25);
    for (const r of protectedRoutes) {
      const res = await app.inject({ method: r.method as 'GET', url: concreteUrl(r.url), payload: r.method === 'GET' || r.method === 'HEAD' ? undefined : {} });
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(401);
      if (r.method !== 'HEAD') expect(res.json().error.code, `${r.method} ${r.url}`).toBe('UNAUTHENTICATED');
    }
    // Unknown API paths do not reveal themselves either.
    expect((await app.inject({ method: 'GET', url: '/api/no-such-thing' })).statusCode).toBe(401);
  });

  it('answers 403 to a role without the permission, on every route that not everyone may use', async () => {
    const tokens = new Map<string, string>();
    for (const role of ROLES) tokens.set(role, (await bearer(db, role)).authorization);
    let checked = 0;
    for (const r of app.patronRoutes.filter((x) => x.permission)) {
      const lacking = ROLES.find((role) => !hasPermission(role, r.permission!));
      if (!lacking) continue;
      const res = await app.inject({
        method: r.method as 'GET',
        url: concreteUrl(r.url),
        headers: { authorization: tokens.get(lacking)! },
        payload: r.method === 'GET' || r.method === 'HEAD' ? undefined : {},
      });
      expect(res.statusCode, `${lacking} ${r.method} ${r.url}`).toBe(403);
      checked++;
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('refuses to start with an /api route that declares no permission', async () => {
    const bad = testApp(db);
    expect(() => bad.get('/api/naked', async () => ({ ok: true }))).toThrow(/must declare/);
    await bad.close();
  });

  it('logs in with a session cookie, shows me, logs out', async () => {
    const { cookie, userId } = await signIn(app, db, 'marketing', 'mia');
    const me = await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ kind: 'user', id: userId, name: 'mia', role: 'marketing' });
    expect(me.json().permissions).toContain('analytics:read');
    expect(me.json().permissions).not.toContain('users:admin');

    // The stored session is a hash, never the cookie value.
    const secret = cookie.split('=')[1]!;
    const sessions = await db.kysely.selectFrom('sessions').selectAll().where('user_id', '=', userId).execute();
    expect(sessions).toHaveLength(1);
    expect(sessions[0]!.token_hash).not.toContain(secret);
    expect(sessions[0]!.expires_at).toBe(new Date(TEST_NOW.getTime() + 12 * 3600_000).toISOString());

    const forbidden = await app.inject({ method: 'GET', url: '/api/users', headers: { cookie } });
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().error.code).toBe('FORBIDDEN');

    const out = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie } });
    expect(out.statusCode).toBe(200);
    expect(out.cookies.find((c) => c.name === 'patron_session')?.value).toBe('');
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } })).statusCode).toBe(401);
    const audit = await db.kysely.selectFrom('audit_log').select(['action']).where('actor', '=', `user:${userId}`).execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['login', 'logout']));
  });

  it('sets an httpOnly, SameSite=Lax cookie', async () => {
    await signIn(app, db, 'staff', 'sam');
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'sam', password: 'correct horse battery' } });
    const header = String(res.headers['set-cookie']);
    expect(header).toMatch(/patron_session=[A-Za-z0-9_-]{43}/);
    expect(header).toMatch(/HttpOnly/);
    expect(header).toMatch(/SameSite=Lax/);
    expect(header).toMatch(/Path=\//);
  });

  it('gives one answer for a wrong password and an unknown user', async () => {
    await signIn(app, db, 'service', 'sue');
    const wrong = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'sue', password: 'nope nope nope' } });
    const unknown = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'nobody', password: 'nope nope nope' } });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual(unknown.json());
    expect(wrong.cookies).toHaveLength(0);
  });

  it('ends sessions when they expire or the user is deactivated', async () => {
    const { cookie, userId } = await signIn(app, db, 'manager', 'max');
    const later = testApp(db, { clock: () => new Date(TEST_NOW.getTime() + 13 * 3600_000) });
    expect((await later.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } })).statusCode).toBe(401);
    await later.close();
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } })).statusCode).toBe(200);
    await updateUser(db.kysely, userId, { active: false }, { actor: 'cli', now: TEST_NOW.toISOString() });
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } })).statusCode).toBe(401);
    const again = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'max', password: 'correct horse battery' } });
    expect(again.statusCode).toBe(401);
  });

  it('accepts bearer tokens, and refuses revoked or malformed ones', async () => {
    const { cookie } = await signIn(app, db, 'admin', 'ada');
    const created = await app.inject({ method: 'POST', url: '/api/tokens', headers: { cookie }, payload: { name: 'POS 1', role: 'staff' } });
    expect(created.statusCode).toBe(201);
    const { token, apiToken } = created.json() as { token: string; apiToken: { id: number; prefix: string } };
    expect(token.startsWith(apiToken.prefix)).toBe(true);

    const me = await app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ kind: 'token', id: apiToken.id, name: 'POS 1', role: 'staff' });

    const list = await app.inject({ method: 'GET', url: '/api/tokens', headers: { cookie } });
    expect(JSON.stringify(list.json())).not.toContain(token);
    const used = list.json().find((t: { id: number }) => t.id === apiToken.id);
    expect(used.lastUsedAt).toBe(TEST_NOW.toISOString());

    // A bad Authorization header never falls back to the cookie.
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie, authorization: 'Bearer ptk_wrong' } })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Basic ${token}` } })).statusCode).toBe(401);

    const revoked = await app.inject({ method: 'DELETE', url: `/api/tokens/${apiToken.id}`, headers: { cookie } });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().revokedAt).toBe(TEST_NOW.toISOString());
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(401);
    const audit = await db.kysely.selectFrom('audit_log').selectAll().where('entity', '=', 'api_token').where('entity_id', '=', String(apiToken.id)).execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['create', 'revoke']);
  });

  it('manages users: generated password, role change, last admin kept', async () => {
    const { cookie, userId } = await signIn(app, db, 'admin', 'root2');
    const add = await app.inject({ method: 'POST', url: '/api/users', headers: { cookie }, payload: { username: 'New.Person', role: 'staff' } });
    expect(add.statusCode).toBe(201);
    const { user, generatedPassword } = add.json();
    expect(user).toMatchObject({ username: 'new.person', role: 'staff', active: true });
    expect(generatedPassword).toMatch(/^\S{16}$/);
    const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'new.person', password: generatedPassword } });
    expect(login.statusCode).toBe(200);
    const dup = await app.inject({ method: 'POST', url: '/api/users', headers: { cookie }, payload: { username: 'new.person', role: 'staff' } });
    expect(dup.statusCode).toBe(409);
    const promote = await app.inject({ method: 'PATCH', url: `/api/users/${user.id}`, headers: { cookie }, payload: { role: 'manager' } });
    expect(promote.json().role).toBe('manager');
    const bad = await app.inject({ method: 'POST', url: '/api/users', headers: { cookie }, payload: { username: 'x y', role: 'staff' } });
    expect(bad.statusCode).toBe(400);

    // Demote every other admin, then the last one cannot demote itself.
    const admins = (await app.inject({ method: 'GET', url: '/api/users', headers: { cookie } })).json().filter((u: { role: string; active: boolean; id: number }) => u.role === 'admin' && u.active && u.id !== userId);
    for (const a of admins) await app.inject({ method: 'PATCH', url: `/api/users/${a.id}`, headers: { cookie }, payload: { active: false } });
    const self = await app.inject({ method: 'PATCH', url: `/api/users/${userId}`, headers: { cookie }, payload: { role: 'staff' } });
    expect(self.statusCode).toBe(409);
  });

  it('changes my own password and keeps me signed in', async () => {
    const { cookie } = await signIn(app, db, 'staff', 'pat');
    const wrong = await app.inject({ method: 'POST', url: '/api/auth/password', headers: { cookie }, payload: { currentPassword: 'bad', newPassword: 'another good one' } });
    expect(wrong.statusCode).toBe(400);
    const ok = await app.inject({ method: 'POST', url: '/api/auth/password', headers: { cookie }, payload: { currentPassword: 'correct horse battery', newPassword: 'another good one' } });
    expect(ok.statusCode).toBe(200);
    const fresh = ok.cookies.find((c) => c.name === 'patron_session')!.value;
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: `patron_session=${fresh}` } })).statusCode).toBe(200);
  });

  it('serves the OpenAPI document to signed-in callers only', async () => {
    const { authorization } = await bearer(db, 'staff');
    expect((await app.inject({ method: 'GET', url: '/docs/json' })).statusCode).toBe(401);
    const doc = await app.inject({ method: 'GET', url: '/docs/json', headers: { authorization } });
    expect(doc.statusCode).toBe(200);
    const spec = doc.json();
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/api/customers', '/api/customers/{id}/360', '/api/orders', '/health']));
    expect(spec.paths['/api/customers'].get.description).toMatch(/customers:read/);
    expect(spec.paths['/api/customers'].post.requestBody).toBeDefined();
    const ui = await app.inject({ method: 'GET', url: '/docs/', headers: { authorization } });
    expect(ui.statusCode).toBe(200);
  });

  it('health needs no credentials', async () => {
    const res = await app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok', database: dialect });
  });
});

describeEachDialect('login rate limit', (dialect) => {
  it('answers 429 after too many attempts from one address', async () => {
    const db = await createTestDb(dialect);
    const app = testApp(db, { config: testConfig(), loginRateLimit: { max: 3, windowMs: 60_000 } });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 5; i++) {
        codes.push((await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'who', password: 'what ever' } })).statusCode);
      }
      expect(codes).toEqual([401, 401, 401, 429, 429]);
      const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'who', password: 'what ever' } });
      expect(res.json().error.code).toBe('RATE_LIMITED');
    } finally {
      await app.close();
      await db.close();
    }
  });

  it('counts per forwarded client only behind a trusted proxy', async () => {
    const db = await createTestDb(dialect);
    const login = (app: ReturnType<typeof testApp>, client: string) =>
      app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: '10.0.0.5', headers: { 'x-forwarded-for': client }, payload: { username: 'who', password: 'what ever' } });
    const trusting = testApp(db, { config: testConfig({ trustProxy: ['10.0.0.5'] }), loginRateLimit: { max: 2, windowMs: 60_000 } });
    const plain = testApp(db, { config: testConfig(), loginRateLimit: { max: 2, windowMs: 60_000 } });
    try {
      // Behind the trusted proxy, two clients have two budgets.
      const a = [await login(trusting, '203.0.113.1'), await login(trusting, '203.0.113.1'), await login(trusting, '203.0.113.1')];
      expect(a.map((r) => r.statusCode)).toEqual([401, 401, 429]);
      expect((await login(trusting, '203.0.113.2')).statusCode).toBe(401);
      // Without trust, the header is ignored: everyone shares the proxy's budget (and cannot dodge it by forging the header).
      const b = [await login(plain, '203.0.113.1'), await login(plain, '203.0.113.2'), await login(plain, '203.0.113.3')];
      expect(b.map((r) => r.statusCode)).toEqual([401, 401, 429]);
    } finally {
      await trusting.close();
      await plain.close();
      await db.close();
    }
  });
});

describe('PATRON_TRUST_PROXY', () => {
  it('reads true, a hop count, or proxy addresses, and refuses anything else', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ PATRON_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ PATRON_TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ PATRON_TRUST_PROXY: '10.0.0.1, 192.168.0.0/16' }).trustProxy).toEqual(['10.0.0.1', '192.168.0.0/16']);
    expect(() => loadConfig({ PATRON_TRUST_PROXY: 'proxy.example.com' })).toThrow(/PATRON_TRUST_PROXY/);
  });
});
