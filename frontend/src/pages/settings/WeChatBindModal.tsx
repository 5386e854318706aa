// Binding WeChat: scan the official account's QR code, then enter the code it replies with.
import { App, Button, Form, Input, Modal, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../../api/client";
import { useSession } from "../../session";
import { errorText } from "../auth/errors";

export default function WeChatBindModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation("settings");
  const { message } = App.useApp();
  const { status, refreshUser } = useSession();
  const [busy, setBusy] = useState(false);

  const bind = async ({ code }: { code: string }) => {
    setBusy(true);
    try {
      await api.get("/api/oauth/wechat/bind", { code: code.trim() });
      message.success(t("bindings.bound", { provider: t("bindings.wechat") }));
      await refreshUser();
      onClose();
    } catch (err) {
      message.error(errorText(err, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal open={open} onCancel={onClose} title={t("wechat.title")} footer={null} destroyOnHidden width={380}>
      {status.wechat_qrcode && (
        <img src={status.wechat_qrcode} alt={t("wechat.qrAlt")} style={{ width: 200, height: 200, objectFit: "contain", display: "block", margin: "8px auto 12px" }} />
      )}
      <Typography.Paragraph type="secondary" style={{ textAlign: "center" }}>{t("wechat.hint")}</Typography.Paragraph>
      <Form name="bindWeChat" layout="vertical" onFinish={bind} requiredMark={false}>
        <Form.Item name="code" label={t("wechat.code")} rules={[{ required: true, whitespace: true, message: t("wechat.codeRequired") }]}>
          <Input autoComplete="one-time-code" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={busy}>{t("wechat.bind")}</Button>
      </Form>
    </Modal>
  );
}
