import { KANO_ANSWERS, type KanoAnswer } from '../../analytics/satisfaction/index.js';
import { DEFAULTS } from './defaults.js';
import type { SurveyItemView } from './surveys.js';

/**
 * Validation of one response's answers, shared by the public page (form fields) and the API
 * (JSON). Answers arrive as { itemKey: value }, where value is a number (scales), a string (free
 * text), { expectation, perception } (gap pairs) or { functional, dysfunctional } (Kano pairs).
 * Nothing is trusted: numbers must be whole points on the item's scale, Kano answers one of the
 * five words, text at most the item's length.
 */
export interface ParsedAnswer {
  itemId: number;
  value: number | null;
  value2: number | null;
  text: string | null;
  text2: string | null;
}

export interface AnswerIssue {
  key: string;
  message: string;
}

export type RawAnswers = Record<string, unknown>;

const isBlank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

function toInt(v: unknown): number | null | 'bad' {
  if (isBlank(v)) return null;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d{1,3}\s*$/.test(v) ? Number(v) : NaN;
  return Number.isInteger(n) ? n : 'bad';
}

// Control characters other than tab and newline have no place in an answer.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

export function cleanText(s: string): string {
  return s.replace(/\r\n?/g, '\n').replace(CONTROL, '').trim();
}

function isKano(v: unknown): v is KanoAnswer {
  return typeof v === 'string' && (KANO_ANSWERS as readonly string[]).includes(v);
}

export function parseAnswers(items: readonly SurveyItemView[], raw: RawAnswers): { answers: ParsedAnswer[]; issues: AnswerIssue[] } {
  const answers: ParsedAnswer[] = [];
  const issues: AnswerIssue[] = [];
  const known = new Set(items.map((i) => i.key));
  for (const k of Object.keys(raw)) if (!known.has(k)) issues.push({ key: k, message: 'no such question in this survey' });

  for (const it of items) {
    const v = Object.prototype.hasOwnProperty.call(raw, it.key) ? raw[it.key] : undefined;
    const missing = () => {
      if (it.required) issues.push({ key: it.key, message: 'this question needs an answer' });
    };
    if (it.type === 'text') {
      if (isBlank(v)) {
        missing();
        continue;
      }
      if (typeof v !== 'string') {
        issues.push({ key: it.key, message: 'expected text' });
        continue;
      }
      const text = cleanText(v);
      const max = it.config.maxLength ?? DEFAULTS.defaultTextMaxLength;
      if ([...text].length > max) {
        issues.push({ key: it.key, message: `at most ${max} characters` });
        continue;
      }
      if (text === '') missing();
      else answers.push({ itemId: it.id, value: null, value2: null, text, text2: null });
      continue;
    }
    if (it.type === 'kano') {
      const o = (v && typeof v === 'object' ? v : {}) as { functional?: unknown; dysfunctional?: unknown };
      if (isBlank(v) || (isBlank(o.functional) && isBlank(o.dysfunctional))) {
        missing();
        continue;
      }
      if (!isKano(o.functional) || !isKano(o.dysfunctional)) {
        issues.push({ key: it.key, message: `answer both questions with one of ${KANO_ANSWERS.join(', ')}` });
        continue;
      }
      answers.push({ itemId: it.id, value: null, value2: null, text: o.functional, text2: o.dysfunctional });
      continue;
    }
    const { min, max } = it.scale!;
    const onScale = (x: number | null | 'bad'): x is number | null => x === null || (x !== 'bad' && x >= min && x <= max);
    if (it.type === 'gap') {
      const o = (v && typeof v === 'object' ? v : {}) as { expectation?: unknown; perception?: unknown };
      const e = toInt(o.expectation);
      const p = toInt(o.perception);
      if (isBlank(v) || (e === null && p === null)) {
        missing();
        continue;
      }
      if (!onScale(e) || !onScale(p)) {
        issues.push({ key: it.key, message: `expectation and perception are whole numbers from ${min} to ${max}` });
        continue;
      }
      if (it.required && (e === null || p === null)) {
        issues.push({ key: it.key, message: 'answer both what you expected and what you got' });
        continue;
      }
      // A half-answered pair is kept; the gap analysis counts it as incomplete.
      answers.push({ itemId: it.id, value: e, value2: p, text: null, text2: null });
      continue;
    }
    const n = toInt(v);
    if (n === null) {
      missing();
      continue;
    }
    if (!onScale(n)) {
      issues.push({ key: it.key, message: `a whole number from ${min} to ${max}` });
      continue;
    }
    answers.push({ itemId: it.id, value: n, value2: null, text: null, text2: null });
  }
  if (answers.length === 0 && issues.length === 0) issues.push({ key: '', message: 'the response has no answers' });
  return { answers, issues };
}

/**
 * Turns the public form's flat fields into answers: `q_<key>` for one value, `q_<key>__e` /
 * `__p` for gap pairs, `q_<key>__f` / `__d` for Kano pairs. Other fields are ignored.
 */
export function formToAnswers(form: Record<string, string>): RawAnswers {
  const out: RawAnswers = Object.create(null) as RawAnswers;
  const parts: Record<string, Record<string, string>> = Object.create(null) as Record<string, Record<string, string>>;
  const names: Record<string, string> = { e: 'expectation', p: 'perception', f: 'functional', d: 'dysfunctional' };
  for (const [name, value] of Object.entries(form)) {
    const m = /^q_([a-z][a-z0-9_]{0,39}?)(?:__([epfd]))?$/.exec(name);
    if (!m) continue;
    const key = m[1]!;
    if (m[2]) (parts[key] ??= Object.create(null) as Record<string, string>)[names[m[2]]!] = value;
    else out[key] = value;
  }
  for (const [k, v] of Object.entries(parts)) out[k] = { ...v };
  return out;
}
