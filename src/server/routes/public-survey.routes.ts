import type { FastifyReply } from 'fastify';
import {
  DEFAULTS,
  formToAnswers,
  LOCALES,
  openLink,
  renderForm,
  renderProblem,
  renderThanks,
  submitViaLink,
  type LinkProblem,
  type Locale,
  type RawAnswers,
} from '../../domain/voice/index.js';
import type { App, AppDeps } from '../types.js';

/**
 * The public survey page at /s/<token>: no sign-in, the signed link is the credential. GET shows
 * the form, POST saves the answers (once per link). Server-rendered HTML with no script, every
 * text escaped, and headers that forbid scripts, framing, and leaking the link as a referrer.
 * Input is bounded: the body limit, the number of fields, each answer's length.
 */
const STATUS: Record<LinkProblem, number> = { invalid: 404, expired: 410, used: 409, closed: 410 };
const MAX_FIELDS = 400;

function secureHtml(reply: FastifyReply, status: number, html: string) {
  return reply
    .status(status)
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
    .header('x-content-type-options', 'nosniff')
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(html);
}

function localeOf(q: unknown, fallback: Locale): Locale {
  return typeof q === 'string' && (LOCALES as readonly string[]).includes(q) ? (q as Locale) : fallback;
}

export function registerPublicSurveyRoutes(app: App, deps: AppDeps): void {
  const db = deps.db.kysely;

  app.register(async (scope) => {
    // Form posts; a null-prototype object, so field names cannot reach Object.prototype.
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: DEFAULTS.publicBodyLimitBytes }, (_req, body, done) => {
      const params = new URLSearchParams(body as string);
      const out: Record<string, string> = Object.create(null) as Record<string, string>;
      let n = 0;
      for (const [k, v] of params) {
        if (++n > MAX_FIELDS) {
          done(Object.assign(new Error('too many form fields'), { statusCode: 413 }), undefined);
          return;
        }
        out[k] = v;
      }
      done(null, out);
    });

    const schema = { tags: ['public'], summary: 'Public survey page (HTML); the signed link is the credential', security: [], hide: false };

    scope.get<{ Params: { token: string }; Querystring: { lang?: string } }>(
      '/s/:token',
      { config: { public: true }, schema: { ...schema } },
      async (request, reply) => {
        const state = await openLink(db, request.params.token, deps.clock());
        if (!state.ok) return secureHtml(reply, STATUS[state.problem], renderProblem(state.problem, localeOf(request.query.lang, state.locale ?? 'zh-CN'), state.survey));
        return secureHtml(reply, 200, renderForm(state.survey, localeOf(request.query.lang, state.locale)));
      },
    );

    scope.post<{ Params: { token: string }; Querystring: { lang?: string }; Body: unknown }>(
      '/s/:token',
      {
        config: { public: true, rateLimit: { max: DEFAULTS.publicRateMax, timeWindow: DEFAULTS.publicRateWindowMs } },
        bodyLimit: DEFAULTS.publicBodyLimitBytes,
        schema: { ...schema, summary: 'Submit answers (form fields q_<key>, or JSON { answers: {...} })' },
      },
      async (request, reply) => {
        const body = (request.body && typeof request.body === 'object' ? request.body : {}) as Record<string, unknown>;
        const isJson = typeof body.answers === 'object' && body.answers !== null;
        const raw: RawAnswers = isJson ? (body.answers as RawAnswers) : formToAnswers(body as Record<string, string>);
        const r = await submitViaLink(db, request.params.token, raw, deps.clock());
        const lang = body.lang ?? request.query.lang;
        if (r.ok) return secureHtml(reply, 200, renderThanks(r.survey, localeOf(lang, r.locale), r.caseId !== null));
        if (r.problem === 'answers') return secureHtml(reply, 400, renderForm(r.survey, localeOf(lang, r.locale), raw, r.issues));
        return secureHtml(reply, STATUS[r.problem], renderProblem(r.problem, localeOf(lang, r.locale ?? 'zh-CN'), r.survey));
      },
    );
  });
}
