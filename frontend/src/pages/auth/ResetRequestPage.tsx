// Forgotten password: mail a reset link. The reply is the same whether or not the address has an account.
import { MailOutlined } from "@ant-design/icons";
import { Alert, Button, Form, Input } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { api } from "../../api/client";
import AuthCard from "./AuthCard";
import { errorText } from "./errors";
import { useTurnstile, withTurnstile } from "./Turnstile";
import { useCountdown } from "./useCountdown";

const RESEND_WAIT_SECONDS = 30;

export default function ResetRequestPage() {
  const { t } = useTranslation("auth");
  const turnstile = useTurnstile();
  const [wait, startWait] = useCountdown(RESEND_WAIT_SECONDS);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const [sent, setSent] = useState("");

  const submit = async ({ email }: { email: string }) => {
    if (!turnstile.ready) return setError(t("turnstile.pending"));
    setBusy(true);
    setError("");
    try {
      const reply = await api.raw("GET", withTurnstile("/api/reset_password", turnstile.token), undefined, {
        email: email.trim(),
      });
      turnstile.markPassed();
      setSent(reply.message || t("reset.sent"));
      startWait();
    } catch (err) {
      setError(errorText(err, t));
      turnstile.reset();
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthCard
      title={t("reset.title")}
      subtitle={t("reset.subtitle")}
      footer={<Link to="/login">{t("reset.backToLogin")}</Link>}
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
      {sent && <Alert type="success" showIcon title={sent} style={{ marginBottom: 16 }} />}
      <Form<{ email: string }> layout="vertical" onFinish={submit} requiredMark={false}>
        <Form.Item
          name="email"
          label={t("fields.email")}
          rules={[
            { required: true, message: t("rules.emailRequired") },
            { type: "email", message: t("rules.emailInvalid") },
          ]}
        >
          <Input prefix={<MailOutlined />} type="email" autoComplete="email" autoFocus />
        </Form.Item>
        {turnstile.widget}
        <Button type="primary" htmlType="submit" block size="large" loading={busy} disabled={wait > 0}>
          {wait > 0 ? t("reset.resendIn", { seconds: wait }) : t("reset.submit")}
        </Button>
      </Form>
    </AuthCard>
  );
}
