// Gate for signed-in pages: waits for the session, sends strangers to /login, hides admin pages.
import { Result } from "antd";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Navigate, useLocation } from "react-router";
import { useSession } from "../session";
import PageLoading from "./PageLoading";

export default function RequireRole({ minRole = 1, children }: { minRole?: number; children: ReactNode }) {
  const { user, ready, signedOut } = useSession();
  const location = useLocation();
  const { t } = useTranslation();
  if (!ready) return <PageLoading />;
  if (!user) {
    // After "Sign out" the page just left is not worth returning to: plain /login.
    const next = signedOut ? "" : `?next=${encodeURIComponent(location.pathname + location.search)}`;
    return <Navigate to={`/login${next}`} replace />;
  }
  if (user.role < minRole) return <Result status="403" title="403" subTitle={t("forbidden")} />;
  return <>{children}</>;
}
