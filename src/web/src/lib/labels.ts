import type { TFunction } from 'i18next';

/**
 * A code from the data (channel, payment method, contact purpose ...) in the UI language:
 * known codes are translated, unknown ones shown readably ("front_desk" -> "front desk").
 */
export function codeLabel(t: TFunction, group: string, code: string | null | undefined): string {
  if (!code) return '—';
  return t(`codes.${group}.${code}`, { defaultValue: code.replace(/[_-]+/g, ' ') });
}
