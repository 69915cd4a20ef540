import { KANO_ANSWERS } from '../../analytics/satisfaction/index.js';
import type { AnswerIssue, RawAnswers } from './answers.js';
import type { LinkProblem } from './responses.js';
import { pick, type Locale } from './survey-spec.js';
import type { SurveyItemView, SurveyView } from './surveys.js';

/**
 * The public survey page, rendered on the server as plain HTML: no script at all, every text
 * from the database or the request escaped, so a survey title or an echoed answer cannot inject
 * markup. The route adds a strict Content-Security-Policy on top.
 */
const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

export function escapeHtml(s: unknown): string {
  return String(s ?? '').replace(/[&<>"'`]/g, (c) => ESC[c]!);
}

const UI = {
  en: {
    submit: 'Send',
    required: 'required',
    thanks: 'Thank you for your answers.',
    thanksCase: 'Thank you. We are sorry it was not better; someone will contact you about it.',
    invalid: 'This link is not valid.',
    expired: 'This link has expired.',
    used: 'This survey has already been answered with this link. Thank you.',
    closed: 'This survey is closed.',
    fix: 'Please check the marked answers.',
    expected: 'What you expected',
    perceived: 'What you got',
    low: 'Low',
    high: 'High',
    npsLow: 'Not at all likely',
    npsHigh: 'Extremely likely',
    csatLow: 'Very dissatisfied',
    csatHigh: 'Very satisfied',
    effortLow: 'Strongly disagree',
    effortHigh: 'Strongly agree',
    choose: 'Choose…',
    kano: { like: 'I like it that way', 'must-be': 'It must be that way', neutral: 'I am neutral', 'live-with': 'I can live with it', dislike: 'I dislike it that way' },
    other: '中文',
  },
  'zh-CN': {
    submit: '提交',
    required: '必答',
    thanks: '感谢您的回答。',
    thanksCase: '感谢您的反馈。很抱歉让您失望了，我们会尽快与您联系。',
    invalid: '此链接无效。',
    expired: '此链接已过期。',
    used: '此链接已经提交过答卷，谢谢。',
    closed: '此调查已结束。',
    fix: '请检查标出的问题。',
    expected: '您的期望',
    perceived: '实际感受',
    low: '低',
    high: '高',
    npsLow: '完全不可能',
    npsHigh: '非常可能',
    csatLow: '非常不满意',
    csatHigh: '非常满意',
    effortLow: '非常不同意',
    effortHigh: '非常同意',
    choose: '请选择…',
    kano: { like: '我喜欢这样', 'must-be': '理应如此', neutral: '无所谓', 'live-with': '能够忍受', dislike: '我不喜欢这样' },
    other: 'English',
  },
} as const;

const STYLE = `body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;background:#f5f6f8;color:#1f2328}
main{max-width:40rem;margin:0 auto;padding:1.5rem 1rem 3rem}h1{font-size:1.4rem}fieldset{border:1px solid #d0d7de;border-radius:8px;margin:0 0 1rem;padding:.8rem 1rem;background:#fff}
legend{font-weight:600;padding:0 .3rem}.scale{display:flex;flex-wrap:wrap;gap:.3rem;margin:.4rem 0}.scale label{display:inline-flex;flex-direction:column;align-items:center;min-width:2.2rem;padding:.25rem;border:1px solid #d0d7de;border-radius:6px;cursor:pointer}
.anchors{display:flex;justify-content:space-between;font-size:.8rem;color:#57606a}.err{color:#b42318;font-size:.9rem}.bad{border-color:#b42318}textarea{width:100%;min-height:5rem;box-sizing:border-box}
select{max-width:100%}button{font-size:1rem;padding:.6rem 1.4rem;border:0;border-radius:6px;background:#0969da;color:#fff;cursor:pointer}.sub{font-size:.9rem;margin:.5rem 0 .2rem}.lang{margin-top:2rem;font-size:.9rem}`;

function page(locale: Locale, title: string, body: string): string {
  return `<!doctype html>
<html lang="${locale === 'en' ? 'en' : 'zh-CN'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main>${body}</main></body></html>`;
}

export function renderProblem(problem: LinkProblem, locale: Locale | null, survey: SurveyView | null): string {
  const loc = locale ?? 'zh-CN';
  const text = UI[loc][problem];
  // An invalid link gets both languages and no survey details: nothing is known about it.
  const body = problem === 'invalid' ? `<h1>${escapeHtml(UI['zh-CN'].invalid)}</h1><p>${escapeHtml(UI.en.invalid)}</p>` : `<h1>${escapeHtml(pick(survey?.title, loc))}</h1><p>${escapeHtml(text)}</p>`;
  return page(loc, problem === 'invalid' ? 'Patron' : pick(survey?.title, loc), body);
}

export function renderThanks(survey: SurveyView, locale: Locale, caseOpened: boolean): string {
  return page(locale, pick(survey.title, locale), `<h1>${escapeHtml(pick(survey.title, locale))}</h1><p>${escapeHtml(caseOpened ? UI[locale].thanksCase : UI[locale].thanks)}</p>`);
}

function radios(name: string, min: number, max: number, current: unknown, lowLabel: string, highLabel: string): string {
  let out = '<div class="scale">';
  for (let v = min; v <= max; v++) {
    const checked = String(current ?? '') === String(v) ? ' checked' : '';
    out += `<label><input type="radio" name="${escapeHtml(name)}" value="${v}"${checked}>${v}</label>`;
  }
  return `${out}</div><div class="anchors"><span>${escapeHtml(lowLabel)}</span><span>${escapeHtml(highLabel)}</span></div>`;
}

function select(name: string, current: unknown, locale: Locale): string {
  const opts = KANO_ANSWERS.map((a) => `<option value="${a}"${current === a ? ' selected' : ''}>${escapeHtml(UI[locale].kano[a])}</option>`).join('');
  return `<select name="${escapeHtml(name)}"><option value="">${escapeHtml(UI[locale].choose)}</option>${opts}</select>`;
}

function field(it: SurveyItemView, locale: Locale, value: unknown, issue: string | undefined): string {
  const t = UI[locale];
  const n = `q_${it.key}`;
  const obj = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  let inner = '';
  switch (it.type) {
    case 'nps':
      inner = radios(n, 0, 10, value, t.npsLow, t.npsHigh);
      break;
    case 'csat':
      inner = radios(n, 1, 5, value, t.csatLow, t.csatHigh);
      break;
    case 'effort':
      inner = radios(n, 1, 7, value, t.effortLow, t.effortHigh);
      break;
    case 'rating':
      inner = radios(n, it.scale!.min, it.scale!.max, value, t.low, t.high);
      break;
    case 'gap':
      inner =
        `<div class="sub">${escapeHtml(t.expected)}</div>${radios(`${n}__e`, 1, 7, obj.expectation, t.low, t.high)}` +
        `<div class="sub">${escapeHtml(t.perceived)}</div>${radios(`${n}__p`, 1, 7, obj.perception, t.low, t.high)}`;
      break;
    case 'kano':
      inner =
        `<div class="sub">${escapeHtml(pick(it.config.functional, locale))}</div>${select(`${n}__f`, obj.functional, locale)}` +
        `<div class="sub">${escapeHtml(pick(it.config.dysfunctional, locale))}</div>${select(`${n}__d`, obj.dysfunctional, locale)}`;
      break;
    case 'text': {
      const max = it.config.maxLength ?? 1000;
      inner = `<textarea name="${escapeHtml(n)}" maxlength="${max}">${escapeHtml(typeof value === 'string' ? value : '')}</textarea>`;
      break;
    }
  }
  const req = it.required ? ` <span class="err" title="${escapeHtml(t.required)}">*</span>` : '';
  const err = issue ? `<p class="err">${escapeHtml(issue)}</p>` : '';
  return `<fieldset${issue ? ' class="bad"' : ''}><legend>${escapeHtml(pick(it.text, locale))}${req}</legend>${inner}${err}</fieldset>`;
}

/** The form; with `issues` it is shown again with the previous answers and the messages. */
export function renderForm(survey: SurveyView, locale: Locale, values: RawAnswers = {}, issues: AnswerIssue[] = []): string {
  const byKey = new Map(issues.map((i) => [i.key, i.message]));
  const general = issues.filter((i) => !survey.items.some((it) => it.key === i.key));
  const other: Locale = locale === 'en' ? 'zh-CN' : 'en';
  const title = pick(survey.title, locale);
  const body =
    `<h1>${escapeHtml(title)}</h1>` +
    (survey.intro ? `<p>${escapeHtml(pick(survey.intro, locale))}</p>` : '') +
    (issues.length ? `<p class="err">${escapeHtml(UI[locale].fix)}${general.map((g) => ' ' + escapeHtml(g.message)).join('')}</p>` : '') +
    `<form method="post" accept-charset="utf-8"><input type="hidden" name="lang" value="${escapeHtml(locale)}">` +
    survey.items.map((it) => field(it, locale, values[it.key], byKey.get(it.key))).join('') +
    `<button type="submit">${escapeHtml(UI[locale].submit)}</button></form>` +
    `<p class="lang"><a href="?lang=${escapeHtml(other)}">${escapeHtml(UI[locale].other)}</a></p>`;
  return page(locale, title, body);
}
