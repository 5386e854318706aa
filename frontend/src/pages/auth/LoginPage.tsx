// Sign-in: username (or email) and password, plus whichever third-party methods the administrator turned on.
import { LockOutlined, UserOutlined } from "@ant-design/icons";
import { Alert, Button, Form, Input } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, Navigate, useSearchParams } from "react-router";
import { api } from "../../api/client";
import { useSession } from "../../session";
import AuthCard from "./AuthCard";
import { errorText } from "./errors";
import SocialLogin from "./SocialLogin";
import { useTurnstile, withTurnstile } from "./Turnstile";
import { useFinishLogin } from "./useFinishLogin";

interface Credentials {
  username: string;
  password: string;
}

export default function LoginPage() {
  const { t } = useTranslation("auth");
  const { status, user, ready } = useSession();
  const [params] = useSearchParams();
  const { next, finish } = useFinishLogin();
  const turnstile = useTurnstile();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");

  if (ready && user && !busy) return <Navigate to={next} replace />;

  const submit = async ({ username, password }: Credentials) => {
    // The token goes along when there is one, but login is not held back without it: the backend checks
    // Turnstile only on registration, codes and resets, and a broken widget must not lock the admin out.
    setBusy(true);
    setError("");
    try {
      await api.post(withTurnstile("/api/user/login", turnstile.token), { username: username.trim(), password });
      turnstile.markPassed();
      await finish();
    } catch (err) {
      setError(errorText(err, t));
      turnstile.reset();
    } finally {
      setBusy(false);
    }
  };

  const name = status.system_name || "Tollgate";
  return (
    <AuthCard
      title={t("login.title")}
      subtitle={t("login.subtitle", { name })}
      footer={
        <span>
          {t("login.noAccount")} <Link to="/register">{t("login.toRegister")}</Link>
        </span>
      }
    >
      {params.get("expired") && <Alert type="info" showIcon title={t("login.expired")} style={{ marginBottom: 16 }} />}
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form<Credentials> layout="vertical" onFinish={submit} requiredMark={false}>
        <Form.Item
          name="username"
          label={t("fields.usernameOrEmail")}
          rules={[{ required: true, whitespace: true, message: t("rules.usernameRequired") }]}
        >
          <Input prefix={<UserOutlined />} autoComplete="username" autoFocus />
        </Form.Item>
        <Form.Item
          name="password"
          label={t("fields.password")}
          rules={[{ required: true, message: t("rules.passwordRequired") }]}
          extra={<Link to="/reset">{t("login.forgot")}</Link>}
        >
          <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
        </Form.Item>
        {turnstile.widget}
        <Button type="primary" htmlType="submit" block size="large" loading={busy}>
          {t("login.submit")}
        </Button>
      </Form>
      <div style={{ marginTop: 16 }}>
        <SocialLogin next={next} onSignedIn={() => void finish()} />
      </div>
    </AuthCard>
  );
}
