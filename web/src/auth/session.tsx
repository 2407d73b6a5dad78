import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { ApiError, api, onUnauthorized, request, setCsrfToken } from "../api/client.js";
import type { LoginResponse, MeResponse, SessionUser } from "../api/types.js";
import { currentLocale, i18n, isLocale, rememberLocale, takeChoiceBeforeLogin } from "../i18n/index.js";

export type SessionState =
  | { status: "loading" }
  | { status: "anonymous"; expired: boolean }
  | { status: "authenticated"; user: SessionUser; permissions: string[] };

interface SessionContextValue {
  state: SessionState;
  login(username: string, password: string): Promise<void>;
  logout(): Promise<void>;
}

const SessionContext = createContext<SessionContextValue | undefined>(undefined);

/** The account's saved language wins over this browser's, so a duty officer gets the same UI everywhere. */
function adoptUserLocale(user: SessionUser): void {
  if (isLocale(user.locale) && user.locale !== currentLocale()) {
    rememberLocale(user.locale);
    void i18n.changeLanguage(user.locale);
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: "loading" });

  useEffect(() => {
    const controller = new AbortController();
    request<MeResponse>("GET", "/api/me", { redirectOn401: false, signal: controller.signal })
      .then((me) => {
        setCsrfToken(me.csrfToken);
        adoptUserLocale(me.user);
        setState({ status: "authenticated", user: me.user, permissions: me.permissions });
      })
      .catch((error: unknown) => {
        if (controller.signal.aborted) {
          return;
        }
        if (!(error instanceof ApiError && error.status === 401)) {
          console.error(error);
        }
        setState({ status: "anonymous", expired: false });
      });
    return () => controller.abort();
  }, []);

  useEffect(() => {
    onUnauthorized(() => {
      setCsrfToken(null);
      setState((s) => (s.status === "authenticated" ? { status: "anonymous", expired: true } : s));
    });
    return () => onUnauthorized(undefined);
  }, []);

  const login = useCallback(async (username: string, password: string) => {
    const result = await request<LoginResponse>("POST", "/api/auth/login", {
      body: { username, password },
      redirectOn401: false,
    });
    setCsrfToken(result.csrfToken);
    const chosen = takeChoiceBeforeLogin();
    if (chosen && chosen !== result.user.locale) {
      // Picked on the login page just now: that wins over the account's older preference.
      await api.put("/api/me/preferences", { locale: chosen }).catch((e: unknown) => console.warn(e));
    } else {
      adoptUserLocale(result.user);
    }
    setState({ status: "authenticated", user: result.user, permissions: result.permissions });
  }, []);

  const logout = useCallback(async () => {
    try {
      await api.post<void>("/api/auth/logout");
    } finally {
      setCsrfToken(null);
      setState({ status: "anonymous", expired: false });
    }
  }, []);

  const value = useMemo(() => ({ state, login, logout }), [state, login, logout]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) {
    throw new Error("useSession outside SessionProvider");
  }
  return value;
}

/** The signed-in user; only for components rendered inside the authenticated layout. */
export function useCurrentUser(): SessionUser {
  const { state } = useSession();
  if (state.status !== "authenticated") {
    throw new Error("useCurrentUser without a session");
  }
  return state.user;
}

/** Whether the server grants a module-level permission (menus only; the server still checks). */
export function usePermission(name: string): boolean {
  const { state } = useSession();
  return state.status === "authenticated" && state.permissions.includes(name);
}
