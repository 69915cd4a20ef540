import { createContext, useContext } from 'react';
import { useTranslation } from 'react-i18next';
import type { Report, ReportKind, Snapshot } from '../../api/analytics';
import type { RequestOptions } from '../../api/client';
import { useApi, type ApiState } from '../../lib/useApi';

export interface ValueContextValue {
  snapshot: Snapshot;
  snapshots: Snapshot[];
}

export const ValueContext = createContext<ValueContextValue | null>(null);

export function useValue(): ValueContextValue {
  const v = useContext(ValueContext);
  if (!v) throw new Error('useValue outside ValuePage');
  return v;
}

/** Report tables come translated by the server: ask in the UI language. */
export function useReportLang(): 'en' | 'zh-CN' {
  const { i18n } = useTranslation();
  return i18n.language === 'en' ? 'en' : 'zh-CN';
}

export function useReport<D>(kind: ReportKind, query: RequestOptions['query'] = {}): ApiState<Report<D>> {
  const { snapshot } = useValue();
  const lang = useReportLang();
  return useApi<Report<D>>(`/api/analytics/reports/${kind}`, kind === 'migration' ? { lang, ...query } : { snapshot: snapshot.id, lang, ...query });
}
