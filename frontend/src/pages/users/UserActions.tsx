// One user's row actions. The server decides who may do what; the buttons offered follow the same rules
// (only root promotes; root itself is never demoted, disabled or deleted).
import { DeleteOutlined, EditOutlined } from "@ant-design/icons";
import { App, Button, Popconfirm, Space } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { api } from "../../api/client";
import { ROLE_ADMIN, ROLE_ROOT, useSession } from "../../session";
import { errorText } from "../tokens/feedback";
import IconAction from "../tokens/IconAction";
import { USER_DELETED, USER_ENABLED, type ManageAction, type User } from "./types";

interface Props {
  user: User;
  onChanged: (patch: Partial<User>) => void;
  onDeleted: () => void;
}

export default function UserActions({ user, onChanged, onDeleted }: Props) {
  const { t } = useTranslation("users");
  const { message } = App.useApp();
  const { isRoot } = useSession();
  const navigate = useNavigate();
  const [busy, setBusy] = useState<ManageAction | null>(null);
  if (user.status === USER_DELETED) return null;
  const root = user.role >= ROLE_ROOT;

  const manage = async (action: ManageAction) => {
    setBusy(action);
    try {
      const result = await api.post<{ role: number; status: number }>("/api/user/manage", { username: user.username, action });
      message.success(t(`manage.done.${action}`, { name: user.username }));
      if (action === "delete") onDeleted();
      else onChanged(result);
    } catch (err) {
      message.error(errorText(err));
    } finally {
      setBusy(null);
    }
  };

  const confirmed = (action: ManageAction, label: string, danger = false) => (
    <Popconfirm
      title={t(`manage.confirm.${action}`, { name: user.username })}
      okText={label}
      okButtonProps={{ danger }}
      cancelText={t("actions.cancel", { ns: "common" })}
      onConfirm={() => manage(action)}
    >
      {action === "delete" ? (
        <IconAction label={label} icon={<DeleteOutlined />} danger />
      ) : (
        <Button size="small" type="link" danger={danger} loading={busy === action}>
          {label}
        </Button>
      )}
    </Popconfirm>
  );

  return (
    <Space size={0} wrap={false}>
      <IconAction label={t("actions.edit", { ns: "common" })} icon={<EditOutlined />} onClick={() => navigate(`/user/edit/${user.id}`)} />
      {isRoot && user.role < ROLE_ADMIN && confirmed("promote", t("manage.promote"))}
      {!root && user.role >= ROLE_ADMIN && confirmed("demote", t("manage.demote"))}
      {!root &&
        (user.status === USER_ENABLED ? (
          confirmed("disable", t("actions.disable", { ns: "common" }), true)
        ) : (
          <Button size="small" type="link" loading={busy === "enable"} onClick={() => void manage("enable")}>
            {t("actions.enable", { ns: "common" })}
          </Button>
        ))}
      {!root && confirmed("delete", t("actions.delete", { ns: "common" }), true)}
    </Space>
  );
}
