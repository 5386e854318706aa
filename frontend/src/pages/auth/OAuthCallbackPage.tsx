// Where GitHub, Feishu and OIDC send the browser back: hand code and state to the backend, which signs in,
// signs up, or (for a signed-in user) binds the account and answers "bind".
import { App, Button, Result, Spin, Typography } from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams, useSearchParams } from "react-router";
import { ApiError, api, type Envelope } from "../../api/client";
import { useSession } from "../../session";
import AuthCard from "./AuthCard";
import { errorText } from "./errors";
import { safeNext, takeOAuthNext } from "./oauth";

const KNOWN = new Set(["github", "lark", "feishu", "oidc"]);
const RETRIES = 3;
const FIRST_DELAY_MS = 1000;

const sleep = (ms: number) => new Promise((resolve) => window.setTimeout(resolve, ms));

/** Refusals that a retry cannot fix: wrong state (403), not signed in (401), rate limit (429). */
function isFinal(err: unknown): boolean {
  return err instanceof ApiError && [401, 403, 429].includes(err.status);
}

async function finishOAuth(provider: string, code: string, state: string, onRetry: (attempt: number) => void) {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await api.raw<unknown>("GET", `/api/oauth/${provider}`, undefined, { code, state });
    } catch (err) {
      if (isFinal(err) || attempt >= RETRIES) throw err;
      onRetry(attempt + 1);
      await sleep(FIRST_DELAY_MS * 2 ** attempt);
    }
  }
}

// One exchange per code, even when React runs the effect twice (StrictMode) or the page re-renders.
const exchanges = new Map<string, Promise<Envelope<unknown>>>();

export default function OAuthCallbackPage() {
  const { t } = useTranslation("auth");
  const { provider = "" } = useParams();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const { user, refreshUser } = useSession();
  const [retry, setRetry] = useState(0);
  const [error, setError] = useState("");
  const code = params.get("code") ?? "";
  const state = params.get("state") ?? "";
  const known = KNOWN.has(provider);
  const providerName = known ? t(`providers.${provider === "feishu" ? "lark" : provider}`) : provider;
  const refused = params.get("error_description") || params.get("error");

  useEffect(() => {
    if (!known || !code) return;
    let active = true;
    let exchange = exchanges.get(code);
    if (!exchange) {
      exchange = finishOAuth(provider, code, state, (n) => active && setRetry(n));
      exchanges.set(code, exchange);
    }
    exchange
      .then(async (reply) => {
        if (!active) return;
        await refreshUser();
        if (reply.message === "bind") {
          message.success(t("oauth.bound", { provider: providerName }));
          navigate("/setting", { replace: true });
        } else navigate(safeNext(takeOAuthNext()), { replace: true });
      })
      .catch((err: unknown) => active && setError(errorText(err, t)));
    return () => {
      active = false;
    };
  }, [known, code, state, provider, providerName, navigate, refreshUser, message, t]);

  const failure = !known ? t("oauth.unknownProvider", { provider }) : !code ? refused || t("oauth.noCode") : error;
  if (failure) {
    return (
      <AuthCard title={t("oauth.failedTitle", { provider: providerName })}>
        <Result
          status="error"
          style={{ padding: "8px 0" }}
          subTitle={<Typography.Text>{failure}</Typography.Text>}
          extra={
            <Button type="primary" onClick={() => navigate(user ? "/setting" : "/login", { replace: true })}>
              {user ? t("oauth.backToSettings") : t("reset.backToLogin")}
            </Button>
          }
        />
      </AuthCard>
    );
  }
  return (
    <AuthCard title={t("oauth.signingIn", { provider: providerName })}>
      <div style={{ textAlign: "center", padding: "24px 0" }} role="status">
        <Spin size="large" />
        <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 0 }}>
          {retry > 0 ? t("oauth.retrying", { attempt: retry + 1, total: RETRIES + 1 }) : t("oauth.wait")}
        </Typography.Paragraph>
      </div>
    </AuthCard>
  );
}
