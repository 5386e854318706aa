// Deleting your own account, after typing the username to confirm; root's account cannot be deleted.
import { DeleteOutlined } from "@ant-design/icons";
import { App, Button, Card, Form, Input, Modal, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { api } from "../../api/client";
import { useSession } from "../../session";
import { errorText } from "../auth/errors";

export default function DeleteAccountCard() {
  const { t } = useTranslation("settings");
  const { message } = App.useApp();
  const { user, isRoot, logout } = useSession();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState("");
  const [busy, setBusy] = useState(false);
  if (!user) return null;

  const remove = async () => {
    setBusy(true);
    try {
      await api.delete("/api/user/self");
      message.success(t("delete.done"));
      await logout().catch(() => undefined);
      navigate("/login");
    } catch (err) {
      message.error(errorText(err, t));
      setBusy(false);
    }
  };

  return (
    <Card size="small" title={<Typography.Text type="danger">{t("delete.title")}</Typography.Text>}>
      <Typography.Paragraph type="secondary">{isRoot ? t("delete.rootHint") : t("delete.hint")}</Typography.Paragraph>
      <Button danger icon={<DeleteOutlined />} disabled={isRoot} onClick={() => setOpen(true)}>{t("delete.button")}</Button>
      <Modal
        open={open}
        title={t("delete.confirmTitle")}
        onCancel={() => {
          setOpen(false);
          setTyped("");
        }}
        okText={t("delete.confirmButton")}
        okButtonProps={{ danger: true, disabled: typed !== user.username, loading: busy }}
        cancelText={t("actions.cancel", { ns: "common" })}
        onOk={remove}
        destroyOnHidden
      >
        <Typography.Paragraph>{t("delete.confirmText", { username: user.username })}</Typography.Paragraph>
        <Form layout="vertical" onFinish={() => typed === user.username && void remove()}>
          <Form.Item label={t("delete.typeUsername")} htmlFor="delete-username">
            <Input id="delete-username" value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
