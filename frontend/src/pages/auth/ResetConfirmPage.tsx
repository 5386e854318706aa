// The page a reset mail links to (?email=&token=): one click gets a new random password to copy.
import { CopyOutlined } from "@ant-design/icons";
import { Alert, App, Button, Input, Result, Space, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate, useSearchParams } from "react-router";
import { api } from "../../api/client";
import { copyText } from "../../lib/clipboard";
import AuthCard from "./AuthCard";
import { errorText } from "./errors";

export default function ResetConfirmPage() {
  const { t } = useTranslation("auth");
  const { message } = App.useApp();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const email = params.get("email") ?? "";
  const token = params.get("token") ?? "";
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const [password, setPassword] = useState("");

  const confirm = async () => {
    setBusy(true);
    setError("");
    try {
      setPassword(await api.post<string>("/api/user/reset", { email, token }));
    } catch (err) {
      setError(errorText(err, t));
    } finally {
      setBusy(false);
    }
  };

  const copy = async () => {
    if (await copyText(password)) message.success(t("actions.copied", { ns: "common" }));
    else message.error(t("resetConfirm.copyFailed"));
  };

  if (!email || !token) {
    return (
      <AuthCard title={t("resetConfirm.title")}>
        <Result
          status="warning"
          title={t("resetConfirm.incomplete")}
          extra={<Button type="primary" onClick={() => navigate("/reset")}>{t("resetConfirm.requestNew")}</Button>}
        />
      </AuthCard>
    );
  }

  if (password) {
    return (
      <AuthCard title={t("resetConfirm.doneTitle")} subtitle={t("resetConfirm.doneHint")}>
        <Typography.Text strong>{t("resetConfirm.newPassword")}</Typography.Text>
        <Space.Compact style={{ width: "100%", margin: "8px 0 20px" }}>
          <Input
            readOnly
            value={password}
            aria-label={t("resetConfirm.newPassword")}
            style={{ fontFamily: "ui-monospace, SFMono-Regular, Menlo, monospace" }}
          />
          <Button icon={<CopyOutlined />} onClick={() => void copy()}>
            {t("actions.copy", { ns: "common" })}
          </Button>
        </Space.Compact>
        <Button type="primary" block size="large" onClick={() => navigate("/login")}>
          {t("login.submit")}
        </Button>
      </AuthCard>
    );
  }

  return (
    <AuthCard
      title={t("resetConfirm.title")}
      subtitle={t("resetConfirm.subtitle")}
      footer={<Link to="/login">{t("reset.backToLogin")}</Link>}
    >
      {error && (
        <Alert
          type="error"
          showIcon
          title={error}
          description={<Link to="/reset">{t("resetConfirm.requestNew")}</Link>}
          style={{ marginBottom: 16 }}
        />
      )}
      <Typography.Text type="secondary">{t("fields.email")}</Typography.Text>
      <Input readOnly value={email} aria-label={t("fields.email")} size="large" style={{ margin: "6px 0 20px" }} />
      <Button type="primary" block size="large" loading={busy} onClick={() => void confirm()}>
        {t("resetConfirm.submit")}
      </Button>
    </AuthCard>
  );
}
