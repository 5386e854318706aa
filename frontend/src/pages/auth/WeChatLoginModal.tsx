// WeChat sign-in: scan the official account's QR code, send it the keyword, type the code it replies with.
import { App, Button, Form, Input, Modal, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../../api/client";
import { useSession } from "../../session";
import { errorText } from "./errors";

interface Props {
  open: boolean;
  onClose: () => void;
  onSignedIn: () => void;
}

export default function WeChatLoginModal({ open, onClose, onSignedIn }: Props) {
  const { t } = useTranslation("auth");
  const { message } = App.useApp();
  const { status } = useSession();
  const [form] = Form.useForm<{ code: string }>();
  const [busy, setBusy] = useState(false);

  const submit = async ({ code }: { code: string }) => {
    setBusy(true);
    try {
      await api.get("/api/oauth/wechat", { code: code.trim() });
      form.resetFields();
      onClose();
      onSignedIn();
    } catch (err) {
      message.error(errorText(err, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal open={open} onCancel={onClose} title={t("wechat.title")} footer={null} destroyOnHidden width={380}>
      <div style={{ textAlign: "center" }}>
        {status.wechat_qrcode ? (
          <img
            src={status.wechat_qrcode}
            alt={t("wechat.qrAlt")}
            style={{ width: 200, height: 200, objectFit: "contain", margin: "8px auto 12px", display: "block" }}
          />
        ) : null}
        <Typography.Paragraph type="secondary">{t("wechat.hint")}</Typography.Paragraph>
      </div>
      <Form form={form} layout="vertical" onFinish={submit} requiredMark={false}>
        <Form.Item
          name="code"
          label={t("wechat.code")}
          rules={[{ required: true, whitespace: true, message: t("wechat.codeRequired") }]}
        >
          <Input autoComplete="one-time-code" inputMode="numeric" autoFocus />
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={busy}>
          {t("login.submit")}
        </Button>
      </Form>
    </Modal>
  );
}
