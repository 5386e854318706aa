// Cloudflare Turnstile: loads api.js once, renders one widget and reports its token. The backend wants the
// token as ?turnstile= and remembers a session that passed, so a page needs it only until one call succeeds.
import { Alert } from "antd";
import { useCallback, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useSession } from "../../session";

const SCRIPT_URL = "https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit";

interface TurnstileOptions {
  sitekey: string;
  callback: (token: string) => void;
  "expired-callback": () => void;
  "error-callback": () => void;
  language?: string;
}

interface TurnstileApi {
  render: (element: HTMLElement, options: TurnstileOptions) => string;
  remove: (widgetId: string) => void;
}

declare global {
  interface Window {
    turnstile?: TurnstileApi;
  }
}

let loading: Promise<TurnstileApi> | null = null;

function loadTurnstile(): Promise<TurnstileApi> {
  if (window.turnstile) return Promise.resolve(window.turnstile);
  loading ??= new Promise<TurnstileApi>((resolve, reject) => {
    const script = document.createElement("script");
    script.src = SCRIPT_URL;
    script.async = true;
    script.onload = () => (window.turnstile ? resolve(window.turnstile) : reject(new Error("turnstile")));
    script.onerror = () => {
      loading = null;
      script.remove();
      reject(new Error("turnstile"));
    };
    document.head.appendChild(script);
  });
  return loading;
}

interface WidgetProps {
  siteKey: string;
  onToken: (token: string) => void;
}

export function TurnstileWidget({ siteKey, onToken }: WidgetProps) {
  const { t, i18n } = useTranslation("auth");
  const box = useRef<HTMLDivElement>(null);
  const report = useRef(onToken);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    report.current = onToken;
  }, [onToken]);

  useEffect(() => {
    let widgetId: string | undefined;
    let gone = false;
    loadTurnstile()
      .then((turnstile) => {
        if (gone || !box.current) return;
        widgetId = turnstile.render(box.current, {
          sitekey: siteKey,
          callback: (token) => report.current(token),
          "expired-callback": () => report.current(""),
          "error-callback": () => report.current(""),
          language: i18n.language === "zh" ? "zh-cn" : "en",
        });
      })
      .catch(() => !gone && setFailed(true));
    return () => {
      gone = true;
      if (widgetId && window.turnstile) window.turnstile.remove(widgetId);
    };
  }, [siteKey, i18n.language]);

  if (!siteKey) return <Alert type="warning" showIcon title={t("turnstile.noSiteKey")} />;
  if (failed) return <Alert type="error" showIcon title={t("turnstile.loadFailed")} />;
  return <div ref={box} style={{ minHeight: 65, display: "flex", justifyContent: "center" }} />;
}

/** Turnstile state for one page: the widget to show, the token to send, and whether a submit may go ahead. */
export function useTurnstile() {
  const { status } = useSession();
  const [token, setToken] = useState("");
  const [passed, setPassed] = useState(false);
  const [round, setRound] = useState(0);
  const enabled = Boolean(status.turnstile_check) && !passed;

  /** After a refused call: a used token is worthless, so show a fresh challenge. */
  const reset = useCallback(() => {
    setToken("");
    setRound((n) => n + 1);
  }, []);
  /** After an accepted call: the server remembers this session, so no more challenges here. */
  const markPassed = useCallback(() => setPassed(true), []);

  const widget = enabled ? (
    <div style={{ marginBottom: 16 }}>
      <TurnstileWidget key={round} siteKey={status.turnstile_site_key ?? ""} onToken={setToken} />
    </div>
  ) : null;
  return { enabled, token: enabled ? token : "", ready: !enabled || token !== "", widget, reset, markPassed };
}

/** `path` with ?turnstile= added when there is a token. */
export function withTurnstile(path: string, token: string): string {
  if (!token) return path;
  return `${path}${path.includes("?") ? "&" : "?"}turnstile=${encodeURIComponent(token)}`;
}
