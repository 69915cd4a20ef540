import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import { useSession } from './session';

/**
 * Which API routes this server has, read once from its OpenAPI document (/docs/json). Pages
 * for features whose API has not shipped show an honest "not available yet" instead of
 * calling a missing route (a 404 would also put an error in the browser console).
 */
interface Capabilities {
  /** false until the document has loaded (or failed: then everything is assumed present). */
  ready: boolean;
  has(method: string, path: string): boolean;
  /** Some route starts with this path prefix, e.g. '/api/loyalty'. */
  hasPrefix(prefix: string): boolean;
}

const Ctx = createContext<Capabilities>({ ready: false, has: () => false, hasPrefix: () => false });

function normalise(path: string): string {
  // OpenAPI writes /api/customers/{id}; Fastify and this app write /api/customers/:id.
  return path.replace(/\{([^}]+)\}/g, ':$1').replace(/\/+$/, '');
}

export function CapabilitiesProvider({ children }: { children: ReactNode }) {
  const { status } = useSession();
  const [routes, setRoutes] = useState<Set<string> | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    if (status !== 'signed-in') return;
    let cancelled = false;
    api<{ paths?: Record<string, Record<string, unknown>> }>('/docs/json')
      .then((doc) => {
        if (cancelled) return;
        const s = new Set<string>();
        for (const [p, ops] of Object.entries(doc.paths ?? {})) {
          for (const m of Object.keys(ops)) s.add(`${m.toUpperCase()} ${normalise(p)}`);
        }
        setRoutes(s);
      })
      .catch(() => !cancelled && setFailed(true));
    return () => {
      cancelled = true;
    };
  }, [status]);

  const value = useMemo<Capabilities>(() => {
    if (failed) return { ready: true, has: () => true, hasPrefix: () => true };
    if (!routes) return { ready: false, has: () => false, hasPrefix: () => false };
    const list = [...routes];
    return {
      ready: true,
      has: (method, path) => routes.has(`${method.toUpperCase()} ${normalise(path)}`),
      hasPrefix: (prefix) => list.some((r) => r.split(' ')[1]!.startsWith(prefix)),
    };
  }, [routes, failed]);

  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useCapabilities(): Capabilities {
  return useContext(Ctx);
}
