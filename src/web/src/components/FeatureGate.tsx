import type { ReactNode } from 'react';
import { useCapabilities } from '../lib/capabilities';
import { Loading, NotAvailable } from './states';

/**
 * Renders children only when the server has the API they need (any route under `prefix`);
 * otherwise an honest "not available yet".
 */
export function FeatureGate({ prefix, feature, hint, children }: { prefix: string | string[]; feature: string; hint?: ReactNode; children: ReactNode }) {
  const caps = useCapabilities();
  if (!caps.ready) return <Loading />;
  const prefixes = Array.isArray(prefix) ? prefix : [prefix];
  if (!prefixes.some((p) => caps.hasPrefix(p))) return <NotAvailable feature={feature} hint={hint} />;
  return <>{children}</>;
}
