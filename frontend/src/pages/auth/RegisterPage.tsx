// Sign-up: username and password, a mailed code when email verification is on, an optional invite code.
import { LockOutlined, MailOutlined, UserOutlined } from "@ant-design/icons";
import { Alert, App, Button, Form, Input, Space } from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, Navigate, useNavigate, useSearchParams } from "react-router";
import { api } from "../../api/client";
import { useSession } from "../../session";
import AuthCard from "./AuthCard";
import { errorText } from "./errors";
import { useTurnstile, withTurnstile } from "./Turnstile";
import { useCountdown } from "./useCountdown";
import { useFinishLogin } from "./useFinishLogin";

const AFF_KEY = "tollgate.aff";
const CODE_WAIT_SECONDS = 30;

export interface RegisterValues {
  username: string;
  password: string;
  confirm: string;
  email?: string;
  verification_code?: string;
  aff_code?: string;
}

/** The invite code from ?aff=, remembered so it survives a detour through the login page. */
function useInviteCode(): string {
  const [params] = useSearchParams();
  const fromLink = params.get("aff");
  useEffect(() => {
    if (fromLink) localStorage.setItem(AFF_KEY, fromLink);
  }, [fromLink]);
  return fromLink ?? localStorage.getItem(AFF_KEY) ?? "";
}

export default function RegisterPage() {
  const { t } = useTranslation("auth");
  const { message } = App.useApp();
  const { status, user, ready } = useSession();
  const navigate = useNavigate();
  const { next, finish } = useFinishLogin();
  const [form] = Form.useForm<RegisterValues>();
  const inviteCode = useInviteCode();
  const turnstile = useTurnstile();
  const [wait, startWait] = useCountdown(CODE_WAIT_SECONDS);
  const [sending, setSending] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const emailRequired = Boolean(status.email_verification);

  if (ready && user && !busy) return <Navigate to={next} replace />;

  const sendCode = async () => {
    let email: string;
    try {
      email = (await form.validateFields(["email"])).email?.trim() ?? "";
    } catch {
      return;
    }
    if (!turnstile.ready) return setError(t("turnstile.pending"));
    setSending(true);
    setError("");
    try {
      const reply = await api.raw("GET", withTurnstile("/api/verification", turnstile.token), undefined, { email });
      turnstile.markPassed();
      startWait();
      message.success(reply.message || t("register.codeSent"));
    } catch (err) {
      setError(errorText(err, t));
      turnstile.reset();
    } finally {
      setSending(false);
    }
  };

  const submit = async (values: RegisterValues) => {
    if (!turnstile.ready) return setError(t("turnstile.pending"));
    setBusy(true);
    setError("");
    const { confirm: _confirm, ...body } = values;
    try {
      await api.post(withTurnstile("/api/user/register", turnstile.token), { ...body, email: body.email?.trim(), verification_code: body.verification_code?.trim() });
      turnstile.markPassed();
      localStorage.removeItem(AFF_KEY);
    } catch (err) {
      setError(errorText(err, t));
      turnstile.reset();
      setBusy(false);
      return;
    }
    try {
      await api.post("/api/user/login", { username: values.username, password: values.password });
      message.success(t("register.welcome"));
      await finish();
    } catch {
      message.success(t("register.done"));
      navigate("/login", { replace: true });
    }
  };

  return (
    <AuthCard
      title={t("register.title")}
      subtitle={t("register.subtitle", { name: status.system_name || "Tollgate" })}
      footer={
        <span>
          {t("register.haveAccount")} <Link to="/login">{t("login.submit")}</Link>
        </span>
      }
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      <Form<RegisterValues>
        form={form}
        layout="vertical"
        onFinish={submit}
        requiredMark={false}
        initialValues={{ aff_code: inviteCode }}
      >
        <Form.Item
          name="username"
          label={t("fields.username")}
          rules={[
            { required: true, message: t("rules.usernameRequired") },
            { max: 12, message: t("rules.usernameMax") },
            { pattern: /^\S(.*\S)?$/, message: t("rules.usernameSpaces") },
          ]}
        >
          <Input prefix={<UserOutlined />} autoComplete="username" autoFocus />
        </Form.Item>
        <Form.Item
          name="password"
          label={t("fields.password")}
          rules={[
            { required: true, message: t("rules.passwordRequired") },
            { min: 8, max: 20, message: t("rules.passwordLength") },
          ]}
        >
          <Input.Password prefix={<LockOutlined />} autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          name="confirm"
          label={t("fields.confirmPassword")}
          dependencies={["password"]}
          rules={[
            { required: true, message: t("rules.confirmRequired") },
            ({ getFieldValue }) => ({
              validator: (_, value) =>
                !value || value === getFieldValue("password")
                  ? Promise.resolve()
                  : Promise.reject(new Error(t("rules.passwordMismatch"))),
            }),
          ]}
        >
          <Input.Password prefix={<LockOutlined />} autoComplete="new-password" />
        </Form.Item>
        {emailRequired && (
          <>
            <Form.Item
              name="email"
              label={t("fields.email")}
              rules={[
                { required: true, message: t("rules.emailRequired") },
                { type: "email", message: t("rules.emailInvalid") },
              ]}
            >
              <Input prefix={<MailOutlined />} type="email" autoComplete="email" />
            </Form.Item>
            <Form.Item label={t("fields.verificationCode")} required>
              <Space.Compact style={{ width: "100%" }}>
                <Form.Item
                  name="verification_code"
                  noStyle
                  rules={[{ required: true, whitespace: true, message: t("rules.codeRequired") }]}
                >
                  <Input autoComplete="one-time-code" aria-label={t("fields.verificationCode")} />
                </Form.Item>
                <Button onClick={() => void sendCode()} loading={sending} disabled={wait > 0}>
                  {wait > 0 ? t("register.resendIn", { seconds: wait }) : t("register.getCode")}
                </Button>
              </Space.Compact>
            </Form.Item>
          </>
        )}
        <Form.Item name="aff_code" label={t("fields.inviteCode")}>
          <Input placeholder={t("register.inviteOptional")} />
        </Form.Item>
        {turnstile.widget}
        <Button type="primary" htmlType="submit" block size="large" loading={busy}>
          {t("register.submit")}
        </Button>
      </Form>
    </AuthCard>
  );
}
