import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError, setUnauthenticatedHandler } from '../api/client';
import type { Me, Permission, Settings } from '../api/types';

/**
 * Who is signed in, and the business settings every page formats with. The session cookie is
 * httpOnly, so the page cannot see it; a small marker in localStorage remembers that a sign-in
 * happened, so a first visit goes straight to the login form instead of asking /api/auth/me
 * (and logging a 401 in the console).
 */
const MARKER = 'patron.signedIn';

type Status = 'loading' | 'anonymous' | 'signed-in';

interface SessionValue {
  status: Status;
  me: Me | null;
  settings: Settings | null;
  /** Why the last session ended ("expired"), for the login page. */
  endedReason: 'expired' | null;
  login(username: string, password: string): Promise<void>;
  logout(): Promise<void>;
  reloadSettings(): Promise<void>;
  setSettings(s: Settings): void;
  can(p: Permission): boolean;
}

const SessionContext = createContext<SessionValue | null>(null);

function marker(on?: boolean): boolean {
  try {
    if (on === true) localStorage.setItem(MARKER, '1');
    else if (on === false) localStorage.removeItem(MARKER);
    return localStorage.getItem(MARKER) === '1';
  } catch {
    return on ?? true;
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<Status>(() => (marker() ? 'loading' : 'anonymous'));
  const [me, setMe] = useState<Me | null>(null);
  const [settings, setSettings] = useState<Settings | null>(null);
  const [endedReason, setEndedReason] = useState<'expired' | null>(null);

  const loadSettings = useCallback(async () => {
    try {
      setSettings(await api<Settings>('/api/settings'));
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 401) throw e;
    }
  }, []);

  useEffect(() => {
    setUnauthenticatedHandler(() => {
      marker(false);
      setMe(null);
      setEndedReason('expired');
      setStatus('anonymous');
    });
    return () => setUnauthenticatedHandler(null);
  }, []);

  useEffect(() => {
    if (status !== 'loading') return;
    let cancelled = false;
    (async () => {
      try {
        const m = await api<Me>('/api/auth/me', { allow401: true });
        if (cancelled) return;
        setMe(m);
        await loadSettings();
        if (!cancelled) setStatus('signed-in');
      } catch {
        if (cancelled) return;
        marker(false);
        setStatus('anonymous');
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [status, loadSettings]);

  const login = useCallback(
    async (username: string, password: string) => {
      const r = await api<{ me: Me; expiresAt: string }>('/api/auth/login', {
        method: 'POST',
        body: { username, password },
        allow401: true,
      });
      marker(true);
      setMe(r.me);
      setEndedReason(null);
      await loadSettings();
      setStatus('signed-in');
    },
    [loadSettings],
  );

  const logout = useCallback(async () => {
    try {
      await api('/api/auth/logout', { method: 'POST', allow401: true });
    } finally {
      marker(false);
      setMe(null);
      setEndedReason(null);
      setStatus('anonymous');
    }
  }, []);

  const value = useMemo<SessionValue>(
    () => ({
      status,
      me,
      settings,
      endedReason,
      login,
      logout,
      reloadSettings: loadSettings,
      setSettings,
      can: (p) => !!me?.permissions.includes(p),
    }),
    [status, me, settings, endedReason, login, logout, loadSettings],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const v = useContext(SessionContext);
  if (!v) throw new Error('useSession outside SessionProvider');
  return v;
}
