// Starting a third-party sign-in: a state from the backend, then the provider's authorize page, which sends
// the browser back to /oauth/<provider> (OAuthCallbackPage). Settings can reuse startOAuth to bind accounts.
import { api } from "../../api/client";
import type { SystemStatus } from "../../session";

export type OAuthProvider = "github" | "lark" | "oidc";

export const OAUTH_PROVIDERS: readonly OAuthProvider[] = ["github", "lark", "oidc"];

/** Extra status fields the foundation's SystemStatus does not list. */
export type AuthStatus = SystemStatus & { oidc_well_known?: string };

const NEXT_KEY = "tollgate.oauth.next";

/** The address the backend builds its redirect_uri from (ServerAddress), else this page's origin. */
export function serverAddress(status: SystemStatus): string {
  return (status.server_address || window.location.origin).replace(/\/+$/, "");
}

export function enabledProviders(status: SystemStatus): OAuthProvider[] {
  return OAUTH_PROVIDERS.filter((provider) => {
    if (provider === "github") return Boolean(status.github_oauth && status.github_client_id);
    if (provider === "lark") return Boolean(status.lark_client_id);
    return Boolean(status.oidc && status.oidc_client_id);
  });
}

async function oidcAuthorizationEndpoint(status: AuthStatus): Promise<string> {
  if (status.oidc_authorization_endpoint) return status.oidc_authorization_endpoint;
  if (!status.oidc_well_known) throw new Error("oidc");
  let discovery: { authorization_endpoint?: unknown };
  try {
    discovery = (await (await fetch(status.oidc_well_known)).json()) as typeof discovery;
  } catch {
    throw new Error("oidc"); // unreachable, or the provider's CORS policy keeps the document from the browser
  }
  if (typeof discovery.authorization_endpoint !== "string") throw new Error("oidc");
  return discovery.authorization_endpoint;
}

export async function authorizeUrl(provider: OAuthProvider, status: AuthStatus, state: string): Promise<string> {
  const redirect = `${serverAddress(status)}/oauth/${provider}`;
  if (provider === "github") {
    const query = new URLSearchParams({ client_id: status.github_client_id ?? "", state, scope: "user:email" });
    return `https://github.com/login/oauth/authorize?${query}`;
  }
  if (provider === "lark") {
    const query = new URLSearchParams({ client_id: status.lark_client_id ?? "", redirect_uri: redirect, state });
    return `https://accounts.feishu.cn/open-apis/authen/v1/authorize?${query}`;
  }
  const endpoint = await oidcAuthorizationEndpoint(status);
  const query = new URLSearchParams({
    client_id: status.oidc_client_id ?? "", redirect_uri: redirect, response_type: "code",
    scope: "openid profile email", state,
  });
  return `${endpoint}${endpoint.includes("?") ? "&" : "?"}${query}`;
}

/** Leaves the app for the provider; `next` is where to land after signing in. */
export async function startOAuth(provider: OAuthProvider, status: AuthStatus, next?: string): Promise<void> {
  const state = await api.get<string>("/api/oauth/state");
  const url = await authorizeUrl(provider, status, state);
  if (next) sessionStorage.setItem(NEXT_KEY, next);
  else sessionStorage.removeItem(NEXT_KEY);
  window.location.assign(url);
}

/** The page remembered by startOAuth, once. */
export function takeOAuthNext(): string | null {
  const next = sessionStorage.getItem(NEXT_KEY);
  sessionStorage.removeItem(NEXT_KEY);
  return next;
}

/** Only same-site paths: `?next=//evil.example` or a full URL must not send a fresh session elsewhere. */
export function safeNext(next: string | null | undefined, fallback = "/dashboard"): string {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return fallback;
  if (next === "/login" || next.startsWith("/login?") || next.startsWith("/oauth/")) return fallback;
  return next;
}
