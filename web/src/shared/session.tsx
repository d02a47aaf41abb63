/**
 * Who is signed in, shared by the storefront and the console. Keeps the CSRF token in the
 * API client and drops the user when any call says the session has ended.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { authApi } from '../api/auth';
import { isProblem, onUnauthenticated, setCsrfToken } from '../api/client';
import type { AuthResult, Me, Role } from '../api/types';

export type SessionStatus = 'loading' | 'signedIn' | 'signedOut' | 'error';

export interface Session {
  status: SessionStatus;
  user: Me | null;
  error: unknown;
  /** Store the answer of a login, SMS login or signup. */
  signedIn: (result: AuthResult) => void;
  signOut: () => Promise<void>;
  refresh: () => Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<SessionStatus>('loading');
  const [user, setUser] = useState<Me | null>(null);
  const [error, setError] = useState<unknown>(null);

  const signedIn = useCallback((result: AuthResult) => {
    setCsrfToken(result.csrfToken);
    setUser(result.user);
    setError(null);
    setStatus('signedIn');
  }, []);

  const signedOut = useCallback(() => {
    setCsrfToken(null);
    setUser(null);
    setStatus('signedOut');
  }, []);

  const refresh = useCallback(async () => {
    try {
      signedIn(await authApi.me());
    } catch (err) {
      if (isProblem(err) && err.status === 401) {
        signedOut();
      } else {
        setError(err);
        setStatus('error');
      }
    }
  }, [signedIn, signedOut]);

  const signOut = useCallback(async () => {
    try {
      await authApi.logout();
    } catch (err) {
      if (!(isProblem(err) && err.status === 401)) throw err;
    }
    signedOut();
  }, [signedOut]);

  useEffect(() => {
    void refresh();
    return onUnauthenticated(signedOut);
  }, [refresh, signedOut]);

  const value = useMemo<Session>(() => ({ status, user, error, signedIn, signOut, refresh }), [status, user, error, signedIn, signOut, refresh]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}

/** Roles that open the operator console, and what each may see there. */
export const CONSOLE_ROLES: readonly Role[] = ['center_admin', 'operator', 'official', 'supplier', 'host'];

export function hasRole(user: Me | null, roles: readonly Role[]): boolean {
  return !!user && user.roles.some((r) => roles.includes(r.role));
}

/** Center staff: they manage suppliers, review licences and curate the selection base. */
export const CENTER_ROLES: readonly Role[] = ['center_admin', 'operator'];

/** Whether the user may change a supplier's records (its center, or the supplier itself). */
export function canEditSupplier(user: Me | null, supplierId: string, countyCode: string): boolean {
  if (!user) return false;
  return user.roles.some((r) =>
    (CENTER_ROLES.includes(r.role) && countyCode.startsWith(r.regionPrefix)) || (r.role === 'supplier' && r.supplierId === supplierId));
}

export function isCenterFor(user: Me | null, countyCode: string): boolean {
  return !!user && user.roles.some((r) => CENTER_ROLES.includes(r.role) && countyCode.startsWith(r.regionPrefix));
}
