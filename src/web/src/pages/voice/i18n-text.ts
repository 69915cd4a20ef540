import { useTranslation } from 'react-i18next';
import type { I18nText } from '../../api/voice';

/** Text given in zh-CN and/or en, in the UI language when there is one. */
export function useI18nText(): (x: I18nText | null | undefined, fallback?: string) => string {
  const { i18n } = useTranslation();
  const zh = i18n.language !== 'en';
  return (x, fallback = '') => (x ? (zh ? x['zh-CN'] ?? x.en : x.en ?? x['zh-CN']) ?? fallback : fallback);
}
