// Binding an email address: a code is mailed to it (GET /api/verification), then checked (GET /api/oauth/email/bind).
import { App, Button, Form, Input, Modal, Space } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../../api/client";
import { useSession } from "../../session";
import { errorText } from "../auth/errors";
import { useTurnstile } from "../auth/Turnstile";
import { useCountdown } from "../auth/useCountdown";

interface Values {
  email: string;
  code: string;
}

export default function EmailBindModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation("settings");
  const { message } = App.useApp();
  const { refreshUser } = useSession();
  const [form] = Form.useForm<Values>();
  const turnstile = useTurnstile();
  const [wait, startWait] = useCountdown(30);
  const [busy, setBusy] = useState<"send" | "bind" | null>(null);

  const send = async () => {
    const { email } = await form.validateFields(["email"]);
    if (!turnstile.ready) {
      message.warning(t("email.turnstilePending"));
      return;
    }
    setBusy("send");
    try {
      await api.get("/api/verification", { email: email.trim(), turnstile: turnstile.token || undefined });
      turnstile.markPassed();
      startWait();
      message.success(t("email.codeSent"));
    } catch (err) {
      turnstile.reset();
      message.error(errorText(err, t));
    } finally {
      setBusy(null);
    }
  };

  const bind = async ({ email, code }: Values) => {
    setBusy("bind");
    try {
      await api.get("/api/oauth/email/bind", { email: email.trim(), code: code.trim() });
      message.success(t("email.bound"));
      await refreshUser();
      form.resetFields();
      onClose();
    } catch (err) {
      message.error(errorText(err, t));
    } finally {
      setBusy(null);
    }
  };

  return (
    <Modal open={open} onCancel={onClose} title={t("email.title")} footer={null} destroyOnHidden width={420}>
      <Form<Values> form={form} name="bindEmail" layout="vertical" onFinish={bind} requiredMark={false}>
        <Form.Item name="email" label={t("email.address")} rules={[{ required: true, type: "email", message: t("email.addressInvalid") }]}>
          <Input type="email" autoComplete="email" />
        </Form.Item>
        {turnstile.widget}
        <Form.Item label={t("email.code")} required>
          <Space.Compact style={{ width: "100%" }}>
            <Form.Item name="code" noStyle rules={[{ required: true, whitespace: true, message: t("email.codeRequired") }]}>
              <Input autoComplete="one-time-code" aria-label={t("email.code")} />
            </Form.Item>
            <Button onClick={() => void send()} disabled={wait > 0} loading={busy === "send"}>
              {wait > 0 ? t("email.resendIn", { seconds: wait }) : t("email.sendCode")}
            </Button>
          </Space.Compact>
        </Form.Item>
        <Button type="primary" htmlType="submit" block loading={busy === "bind"}>{t("email.bind")}</Button>
      </Form>
    </Modal>
  );
}
