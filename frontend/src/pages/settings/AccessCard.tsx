// The system access token (for scripts calling the management API) and the invite link.
import { KeyOutlined, LinkOutlined } from "@ant-design/icons";
import { App, Button, Card, Flex, Input, Popconfirm, Space, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../../api/client";
import { copyText } from "../../lib/clipboard";
import { errorText } from "../auth/errors";

export default function AccessCard() {
  const { t } = useTranslation("settings");
  const { message } = App.useApp();
  const [token, setToken] = useState("");
  const [inviteLink, setInviteLink] = useState("");
  const [busy, setBusy] = useState<"token" | "invite" | null>(null);

  const copy = async (text: string, done: string) => {
    if (await copyText(text)) message.success(done);
    else message.warning(t("access.copyManually"));
  };

  const generate = async () => {
    setBusy("token");
    try {
      const fresh = await api.get<string>("/api/user/token");
      setToken(fresh);
      await copy(fresh, t("access.tokenCopied"));
    } catch (err) {
      message.error(errorText(err, t));
    } finally {
      setBusy(null);
    }
  };

  const invite = async () => {
    setBusy("invite");
    try {
      const code = await api.get<string>("/api/user/aff");
      const link = `${window.location.origin}/register?aff=${encodeURIComponent(code)}`;
      setInviteLink(link);
      await copy(link, t("access.inviteCopied"));
    } catch (err) {
      message.error(errorText(err, t));
    } finally {
      setBusy(null);
    }
  };

  return (
    <Card size="small" title={t("access.title")}>
      <Flex vertical gap={16}>
        <div>
          <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>{t("access.tokenHint")}</Typography.Paragraph>
          <Space wrap>
            <Popconfirm
              title={t("access.regenerateConfirm")}
              okText={t("access.generate")}
              cancelText={t("actions.cancel", { ns: "common" })}
              onConfirm={generate}
            >
              <Button icon={<KeyOutlined />} loading={busy === "token"}>{t("access.generate")}</Button>
            </Popconfirm>
          </Space>
          {token && (
            <Space.Compact style={{ width: "100%", marginTop: 8 }}>
              <Input readOnly value={token} aria-label={t("access.tokenLabel")} style={{ fontFamily: "monospace" }} />
              <Button onClick={() => void copy(token, t("access.tokenCopied"))}>{t("actions.copy", { ns: "common" })}</Button>
            </Space.Compact>
          )}
        </div>
        <div>
          <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>{t("access.inviteHint")}</Typography.Paragraph>
          <Button icon={<LinkOutlined />} loading={busy === "invite"} onClick={() => void invite()}>{t("access.copyInvite")}</Button>
          {inviteLink && (
            <div style={{ marginTop: 8 }}>
              <Typography.Text code copyable style={{ wordBreak: "break-all" }}>{inviteLink}</Typography.Text>
            </div>
          )}
        </div>
      </Flex>
    </Card>
  );
}
