import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDb, describeEachDialect } from '../../test-support/databases.js';
import type { Db } from '../../storage/db.js';
import { DEFAULTS } from '../../domain/voice/index.js';
import { bearer, TEST_NOW, testApp } from '../test-helpers.js';
import type { App } from '../types.js';

const DAY = 86_400_000;

/** A customer row straight into the table (the customer API is tested elsewhere). */
async function customer(db: Db, externalId: string): Promise<number> {
  const now = TEST_NOW.toISOString();
  const r = await db.kysely
    .insertInto('customers')
    .values({ external_id: externalId, name: externalId, name_key: externalId.toLowerCase(), tags: '[]', attributes: '{}', created_at: now, updated_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

const SURVEY = {
  code: 'visit',
  title: { en: 'Your visit <script>alert(1)</script>', 'zh-CN': '您的到访' },
  status: 'active',
  defaultLocale: 'en',
  linkTtlDays: 7,
  items: [
    { key: 'overall', type: 'csat', text: { en: 'How satisfied are you overall?', 'zh-CN': '总体满意度' }, required: true, caseBelow: 3 },
    { key: 'recommend', type: 'nps', text: 'How likely are you to recommend us?' },
    { key: 'staff', type: 'rating', scale: '1-5', text: 'Staff', indexItem: true },
    { key: 'effort', type: 'effort', text: 'It was easy to get what I wanted' },
    { key: 'speed', type: 'gap', attribute: 'speed', text: 'Speed of service' },
    { key: 'wifi', type: 'kano', feature: 'wifi', text: 'Free wifi', functional: 'If there is free wifi?', dysfunctional: 'If there is no free wifi?' },
    { key: 'comment', type: 'text', text: 'Anything else?', maxLength: 200 },
  ],
};

describeEachDialect('survey routes and the public response page', (dialect) => {
  let db: Db;
  let app: App;
  let auth: { authorization: string };
  let now: Date;

  beforeAll(async () => {
    db = await createTestDb(dialect);
    now = TEST_NOW;
    app = testApp(db, { clock: () => now });
    auth = await bearer(db, 'manager');
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  const api = (method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, payload?: unknown) =>
    app.inject({ method, url, headers: auth, payload: payload as object | undefined });
  const form = (path: string, fields: Record<string, string>) =>
    app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(fields).toString() });

  it('flows from survey to link to public response to metrics, and refuses expired, reused and tampered links', async () => {
    const created = await api('POST', '/api/surveys', SURVEY);
    expect(created.statusCode, created.body).toBe(201);
    const survey = created.json();
    expect(survey.items.map((i: { key: string }) => i.key)).toEqual(SURVEY.items.map((i) => i.key));
    expect(survey.items[2].scale).toEqual({ min: 1, max: 5 });

    const alice = await customer(db, 'ALICE');
    const links = await api('POST', '/api/surveys/visit/invitations', { recipients: [{ customerId: alice, touchpoint: 'front-desk', staff: 'wang' }, {}, {}] });
    expect(links.statusCode, links.body).toBe(201);
    const [a, b, c] = links.json() as { id: number; path: string; expiresAt: string; state: string }[];
    expect(a!.state).toBe('pending');
    expect(a!.expiresAt).toBe(new Date(TEST_NOW.getTime() + 7 * DAY).toISOString());
    expect(a!.path).toMatch(/^\/s\/[0-9a-z]+\.[0-9a-z]+\.[A-Za-z0-9_-]{24}$/);

    // The page: escaped title, no script, strict headers.
    const page = await app.inject({ method: 'GET', url: a!.path });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.body).toContain('Your visit &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.body).not.toContain('<script');
    expect((await app.inject({ method: 'GET', url: `${a!.path}?lang=zh-CN` })).body).toContain('您的到访');

    // A mistake re-renders the form (escaped echo) and does not use up the link.
    const bad = await form(a!.path, { q_recommend: '11', q_comment: '<img src=x onerror=alert(1)>' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(bad.body).not.toContain('<img');

    const ok = await form(a!.path, {
      q_overall: '5',
      q_recommend: '9',
      q_staff: '4',
      q_effort: '6',
      q_speed__e: '6',
      q_speed__p: '4',
      q_wifi__f: 'like',
      q_wifi__d: 'neutral',
      q_comment: 'Lovely tea, 谢谢',
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.body).toContain('Thank you for your answers.');

    // One response per link.
    expect((await form(a!.path, { q_overall: '1' })).statusCode).toBe(409);
    expect((await app.inject({ method: 'GET', url: a!.path })).statusCode).toBe(409);

    // Tampered: a different signature, a different invitation id, or a longer expiry.
    const [id, exp, sig] = b!.path.slice(3).split('.') as [string, string, string];
    const flipped = sig.slice(0, -1) + (sig.endsWith('A') ? 'B' : 'A');
    for (const t of [`${id}.${exp}.${flipped}`, `${(parseInt(id, 36) + 1).toString(36)}.${exp}.${sig}`, `${id}.${(parseInt(exp, 36) + 86400).toString(36)}.${sig}`, 'garbage', 'a.b.c']) {
      const res = await app.inject({ method: 'GET', url: `/s/${t}` });
      expect(res.statusCode, t).toBe(404);
      expect(res.body).toContain('This link is not valid.');
      expect((await form(`/s/${t}`, { q_overall: '5' })).statusCode, t).toBe(404);
    }

    // Expiry is inclusive of the signed instant: valid at it, expired one millisecond later.
    const expiresAt = Date.parse(b!.expiresAt);
    now = new Date(expiresAt);
    expect((await app.inject({ method: 'GET', url: b!.path })).statusCode).toBe(200);
    now = new Date(expiresAt + 1);
    const expired = await form(b!.path, { q_overall: '4' });
    expect(expired.statusCode).toBe(410);
    expect(expired.body).toContain('This link has expired.');
    now = TEST_NOW;

    // Renewing gives a new token and retires the old one; revoking stops a link at once, for good.
    const renewed = await api('POST', `/api/surveys/visit/invitations/${b!.id}/renew`, { ttlDays: 1 });
    expect(renewed.statusCode, renewed.body).toBe(200);
    expect(renewed.json().path).not.toBe(b!.path);
    expect((await app.inject({ method: 'GET', url: b!.path })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: renewed.json().path })).statusCode).toBe(200);
    expect((await api('POST', `/api/surveys/visit/invitations/${b!.id}/revoke`)).json().state).toBe('revoked');
    expect((await app.inject({ method: 'GET', url: renewed.json().path })).statusCode).toBe(404);
    expect((await api('POST', `/api/surveys/visit/invitations/${b!.id}/renew`, {})).statusCode).toBe(409);

    // A low score opens a complaint case at once (caseBelow 3).
    const low = await form(c!.path, { q_overall: '1', q_recommend: '2', q_comment: 'Cold food' });
    expect(low.statusCode).toBe(200);
    expect(low.body).toContain('someone will contact you');

    const invitations = await api('GET', '/api/surveys/visit/invitations');
    const states = Object.fromEntries((invitations.json() as { id: number; state: string }[]).map((i) => [i.id, i.state]));
    expect(states).toEqual({ [a!.id]: 'responded', [b!.id]: 'revoked', [c!.id]: 'responded' });

    const cases = await db.kysely.selectFrom('cases').selectAll().execute();
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({ channel: 'survey', category: 'survey-low-score', status: 'open' });
    expect(cases[0]!.description).toContain('Cold food');

    const responses = await api('GET', '/api/surveys/visit/responses');
    const first = (responses.json().items as { invitationId: number; customerId: number; touchpoint: string; staff: string; answers: Record<string, unknown> }[]).find(
      (r) => r.invitationId === a!.id,
    )!;
    expect(first).toMatchObject({ customerId: alice, touchpoint: 'front-desk', staff: 'wang' });
    expect(first.answers).toEqual({
      overall: 5,
      recommend: 9,
      staff: 4,
      effort: 6,
      speed: { expectation: 6, perception: 4 },
      wifi: { functional: 'like', dysfunctional: 'neutral', category: 'A' },
      comment: 'Lovely tea, 谢谢',
    });

    const m = await api('GET', '/api/surveys/visit/metrics');
    expect(m.statusCode, m.body).toBe(200);
    const metrics = m.json();
    expect(metrics.responses).toBe(2);
    const item = (k: string) => metrics.items.find((i: { key: string }) => i.key === k);
    expect(item('overall').csat).toMatchObject({ n: 2, satisfied: 1, rate: 0.5 });
    expect(item('recommend').nps).toMatchObject({ n: 2, promoters: 1, detractors: 1, score: 0 });
    expect(item('comment').n).toBe(2);
    expect(metrics.gaps.attributes[0]).toMatchObject({ attribute: 'speed', n: 1, gap: -2, ci: null, sdDifference: null });
    expect(metrics.kano[0]).toMatchObject({ attribute: 'wifi', category: 'A', n: 1 });
    // One index item and no overall item: equal weights; the index is the item rescaled, (4-1)/4 = 75.
    expect(metrics.index).toMatchObject({ weighting: 'equal', index: 75, n: 1 });

    const csv = await api('GET', '/api/surveys/visit/responses.csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.body).toContain('speed_expectation,speed_perception,wifi_functional,wifi_dysfunctional,wifi_category,comment');
  });

  it('computes the NPS interval on stored responses (worked example of docs/analytics/satisfaction.md)', async () => {
    const s = await api('POST', '/api/surveys', { code: 'nps-only', status: 'active', title: 'NPS', items: [{ key: 'nps', type: 'nps', text: 'Recommend?' }] });
    expect(s.statusCode).toBe(201);
    // 5 promoters, 2 passives, 3 detractors.
    for (const score of [9, 10, 9, 10, 9, 7, 8, 0, 3, 6]) {
      const r = await api('POST', '/api/surveys/nps-only/responses', { answers: { nps: score } });
      expect(r.statusCode, r.body).toBe(201);
    }
    const m = (await api('GET', '/api/surveys/nps-only/metrics')).json();
    const nps = m.items[0].nps;
    expect(nps).toMatchObject({ n: 10, promoters: 5, passives: 2, detractors: 3 });
    // Hand-computed: NPS 20, Var = (0.5 + 0.3 - 0.2^2)/10 = 0.076, SE = 27.568 points,
    // CI = 20 ± 1.959964·27.568 = [-34.03, 74.03]; tolerance 1e-6 points (float arithmetic only).
    const se = 100 * Math.sqrt(0.076);
    expect(nps.score).toBeCloseTo(20, 9);
    expect(nps.se).toBeCloseTo(se, 6);
    expect(nps.ci.lower).toBeCloseTo(20 - 1.959963984540054 * se, 6);
    expect(nps.ci.upper).toBeCloseTo(20 + 1.959963984540054 * se, 6);
    // n = 10 is small: the seeded bootstrap interval is reported too, and contains the estimate.
    expect(m.items[0].npsBootstrap.replicates).toBe(2000);
    expect(m.items[0].npsBootstrap.ci.lower).toBeLessThan(20);
    expect(m.items[0].npsBootstrap.ci.upper).toBeGreaterThan(20);

    const trends = (await api('GET', '/api/surveys/nps-only/trends?by=period&period=month')).json();
    expect(trends.groups).toHaveLength(1);
    expect(trends.groups[0]).toMatchObject({ key: '2024-06', n: 10 });
    expect(trends.groups[0].nps.score).toBeCloseTo(20, 9);
  });

  it('reports journey consistency end to end: 0.95^6 from touchpoint rates next to the observed share', async () => {
    const touchpoints = ['research', 'purchase', 'delivery', 'install', 'first-bill', 'support'];
    const j = await api('POST', '/api/journeys', { code: 'home', name: { en: 'Home broadband', 'zh-CN': '家庭宽带' }, touchpoints: touchpoints.map((key) => ({ key })) });
    expect(j.statusCode, j.body).toBe(201);
    const s = await api('POST', '/api/surveys', {
      code: 'journey',
      status: 'active',
      title: 'Journey',
      items: touchpoints.map((t, i) => ({ key: `tp${i}`, type: 'csat', text: t, touchpoint: t })),
    });
    expect(s.statusCode, s.body).toBe(201);
    // 20 customers rate all six touchpoints; each touchpoint has exactly one bad moment (a 2),
    // each on a different customer: every touchpoint rate is 19/20 = 0.95.
    for (let c = 0; c < 20; c++) {
      const id = await customer(db, `J${c}`);
      const answers = Object.fromEntries(touchpoints.map((_, i) => [`tp${i}`, c === i ? 2 : 5]));
      expect((await api('POST', '/api/surveys/journey/responses', { customerId: id, answers })).statusCode).toBe(201);
    }
    // One more customer skipped a touchpoint after a bad moment: counted as incomplete.
    const late = await customer(db, 'J-late');
    await api('POST', '/api/surveys/journey/responses', { customerId: late, answers: { tp0: 5, tp1: 1 } });

    const r = await api('GET', '/api/journeys/home/report');
    expect(r.statusCode, r.body).toBe(200);
    const rep = r.json();
    expect(rep.touchpoints.map((t: { key: string }) => t.key)).toEqual(touchpoints);
    // research and purchase also carry the late customer's ratings (20/21 and 19/21).
    expect(rep.touchpoints[2]).toMatchObject({ n: 20, satisfied: 19, rate: 0.95 });
    expect(rep.touchpoints[0]).toMatchObject({ n: 21, satisfied: 20 });
    expect(rep.touchpoints[1]).toMatchObject({ n: 21, satisfied: 19 });
    // naive = (20/21)(19/21)(0.95)^4, exact to float rounding (1e-12).
    expect(rep.naiveEndToEnd).toBeCloseTo((20 / 21) * (19 / 21) * 0.95 ** 4, 12);
    // Observed: 6 of the 20 complete customers had a bad moment, so 14/20 = 0.70 got through clean,
    // below the independent-touchpoint figure: bad moments fell on different customers.
    expect(rep.observed).toMatchObject({ customers: 20, noBadMoment: 14, rate: 0.7 });
    expect(rep.incomplete).toEqual({ customers: 1, withBadMoment: 1 });
    expect(rep.bounds.lower).toBeCloseTo(14 / 21, 12);
    expect(rep.bounds.upper).toBeCloseTo(14 / 21, 12);
  });

  it('dispatches triggered surveys idempotently, following the post-purchase stages', async () => {
    const s = await api('POST', '/api/surveys', { code: 'welcome', status: 'active', title: 'Welcome', stage: 'doubt', items: [{ key: 'csat', type: 'csat', text: 'Happy so far?' }] });
    expect(s.statusCode).toBe(201);
    const t1 = await api('POST', '/api/surveys/welcome/triggers', { event: 'first_purchase' });
    expect(t1.json()).toMatchObject({ event: 'first_purchase', stage: 'doubt', delayDays: 1, lookbackDays: 7 });
    const t2 = await api('POST', '/api/surveys/welcome/triggers', { event: 'order_followup', stage: 'learning', cooldownDays: 0 });
    expect(t2.json()).toMatchObject({ stage: 'learning', delayDays: 7 });

    const bob = await customer(db, 'BOB');
    const carol = await customer(db, 'CAROL');
    const order = async (ext: string, who: number, day: string) =>
      db.kysely
        .insertInto('orders')
        .values({
          external_id: ext, customer_id: who, venue_id: null, kind: 'sale', returns_order_id: null, status: 'completed',
          ordered_at: `${day}T10:00:00.000Z`, local_date: day, day: Date.parse(day) / DAY, channel: null, payment_method: null,
          subtotal_minor: 1000, discount_minor: 0, total_minor: 1000, cost_minor: null, item_count: 1, content_hash: ext,
          import_batch_id: null, created_at: `${day}T10:00:00.000Z`, updated_at: `${day}T10:00:00.000Z`,
        })
        .execute();
    // As of 06-30 (UTC business zone): first purchases are due on days [06-22, 06-29] (delay 1,
    // lookback 7); learning-stage order follow-ups on [06-16, 06-23] (delay 7).
    await order('O-B1', bob, '2024-06-25'); // Bob's first purchase: welcome survey (doubt stage)
    await order('O-B2', bob, '2024-06-29'); // not a first purchase, too recent for the follow-up
    await order('O-C1', carol, '2024-06-20'); // Carol's first purchase is too old for the welcome, due for the follow-up
    const run = await api('POST', '/api/surveys/dispatch', { asOf: '2024-06-30T12:00:00Z' });
    expect(run.statusCode, run.body).toBe(200);
    const r1 = run.json();
    const byTrigger = Object.fromEntries(r1.triggers.map((t: { triggerId: number }) => [t.triggerId, t]));
    expect(byTrigger[t1.json().id]).toMatchObject({ candidates: 1, created: 1, window: { from: '2024-06-22', to: '2024-06-29' } });
    expect(byTrigger[t2.json().id]).toMatchObject({ candidates: 1, created: 1, window: { from: '2024-06-16', to: '2024-06-23' } });
    expect(r1.invitations).toHaveLength(2);
    expect(r1.invitations.map((i: { customerId: number }) => i.customerId).sort()).toEqual([bob, carol].sort());
    expect(r1.invitations.every((i: { path: string; stage: string }) => i.path.startsWith('/s/'))).toBe(true);

    const again = (await api('POST', '/api/surveys/dispatch', { asOf: '2024-06-30T12:00:00Z' })).json();
    expect(again.invitations).toHaveLength(0);
    expect(again.triggers.reduce((s: number, t: { alreadyInvited: number }) => s + t.alreadyInvited, 0)).toBe(2);
  });

  it('keeps questions fixed once links exist, and checks input', async () => {
    const bad = await api('POST', '/api/surveys', { ...SURVEY, code: 'bad', items: [{ key: 'a', type: 'csat', text: 'x' }, { key: 'a', type: 'nps', text: 'y' }] });
    expect(bad.statusCode).toBe(400);
    const change = await api('PUT', '/api/surveys/visit/items', { items: [{ key: 'x', type: 'csat', text: 'x' }] });
    expect(change.statusCode).toBe(409);
    const draft = await api('POST', '/api/surveys', { code: 'draft1', title: 'Draft', items: [{ key: 'x', type: 'csat', text: 'x' }] });
    expect(draft.json().status).toBe('draft');
    expect((await api('POST', '/api/surveys/draft1/invitations', { recipients: [{}] })).statusCode).toBe(409);
    expect((await api('PUT', '/api/surveys/draft1/items', { items: [{ key: 'y', type: 'nps', text: 'y' }] })).statusCode).toBe(200);
    const entered = await api('POST', '/api/surveys/visit/responses', { answers: { overall: 9 } });
    expect(entered.statusCode).toBe(400);
    expect(entered.json().error.details.issues[0].path).toBe('answers.overall');
    // The public page brakes floods (per client address) and bounds the body.
    const fresh = testApp(db);
    const hit = () => fresh.inject({ method: 'POST', url: '/s/1.abc.AAAAAAAAAAAAAAAAAAAAAAAA', payload: { answers: {} } });
    for (let i = 0; i < DEFAULTS.publicRateMax; i++) expect((await hit()).statusCode).toBe(404);
    expect((await hit()).statusCode).toBe(429);
    await fresh.close();
    const big = await app.inject({
      method: 'POST',
      url: '/s/1.abc.AAAAAAAAAAAAAAAAAAAAAAAA',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'q_comment=' + 'x'.repeat(DEFAULTS.publicBodyLimitBytes),
    });
    expect(big.statusCode).toBe(413);
    // The link secret never leaves the server.
    const admin = await bearer(db, 'admin');
    const settings = await app.inject({ method: 'GET', url: '/api/settings', headers: admin });
    expect(settings.body).not.toContain('linkSecret');
  });
});
