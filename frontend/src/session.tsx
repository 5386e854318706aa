// What every page needs: the public system status and the signed-in user (from /api/user/self).
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from "react";
import { api, setUnauthorizedHandler } from "./api/client";

export interface SystemStatus {
  version?: string;
  start_time?: number;
  system_name?: string;
  logo?: string;
  footer_html?: string;
  email_verification?: boolean;
  github_oauth?: boolean;
  github_client_id?: string;
  lark_client_id?: string;
  wechat_login?: boolean;
  wechat_qrcode?: string;
  server_address?: string;
  turnstile_check?: boolean;
  turnstile_site_key?: string;
  top_up_link?: string;
  chat_link?: string;
  quota_per_unit?: number;
  display_in_currency?: boolean;
  oidc?: boolean;
  oidc_client_id?: string;
  oidc_authorization_endpoint?: string;
}

export interface CurrentUser {
  id: number;
  username: string;
  display_name?: string;
  role: number;
  status: number;
  email?: string;
  github_id?: string;
  wechat_id?: string;
  lark_id?: string;
  oidc_id?: string;
  quota: number;
  used_quota: number;
  request_count: number;
  group: string;
  aff_code?: string;
  inviter_id?: number;
}

export const ROLE_COMMON = 1;
export const ROLE_ADMIN = 10;
export const ROLE_ROOT = 100;

interface Session {
  status: SystemStatus;
  user: CurrentUser | null;
  /** False until the first /api/user/self answer, so pages do not flash the login form. */
  ready: boolean;
  isAdmin: boolean;
  isRoot: boolean;
  /** True right after a deliberate sign-out (until someone signs in), so gates send to a plain /login. */
  signedOut: boolean;
  refreshUser: () => Promise<CurrentUser | null>;
  refreshStatus: () => Promise<void>;
  logout: () => Promise<void>;
}

const SessionContext = createContext<Session | null>(null);
const STATUS_CACHE = "tollgate.status";

function cachedStatus(): SystemStatus {
  try {
    return JSON.parse(localStorage.getItem(STATUS_CACHE) ?? "{}") as SystemStatus;
  } catch {
    return {};
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<SystemStatus>(cachedStatus);
  const [user, setUser] = useState<CurrentUser | null>(null);
  const [ready, setReady] = useState(false);
  const [signedOut, setSignedOut] = useState(false);

  const refreshStatus = useCallback(async () => {
    const fresh = await api.get<SystemStatus>("/api/status");
    localStorage.setItem(STATUS_CACHE, JSON.stringify(fresh));
    setStatus(fresh);
  }, []);

  const refreshUser = useCallback(async () => {
    try {
      const self = await api.get<CurrentUser>("/api/user/self");
      setUser(self);
      return self;
    } catch {
      setUser(null);
      return null;
    } finally {
      setReady(true);
    }
  }, []);

  const logout = useCallback(async () => {
    try {
      await api.get("/api/user/logout");
    } finally {
      setSignedOut(true);
      setUser(null);
    }
  }, []);

  useEffect(() => {
    if (user) setSignedOut(false);
  }, [user]);

  useEffect(() => {
    setUnauthorizedHandler(() => setUser(null));
    void refreshStatus().catch(() => undefined);
    void refreshUser();
  }, [refreshStatus, refreshUser]);

  useEffect(() => {
    document.title = status.system_name || "Tollgate";
  }, [status.system_name]);

  const value = useMemo<Session>(
    () => ({
      status,
      user,
      ready,
      isAdmin: (user?.role ?? 0) >= ROLE_ADMIN,
      isRoot: (user?.role ?? 0) >= ROLE_ROOT,
      signedOut,
      refreshUser,
      refreshStatus,
      logout,
    }),
    [status, user, ready, signedOut, refreshUser, refreshStatus, logout],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside SessionProvider");
  return session;
}
