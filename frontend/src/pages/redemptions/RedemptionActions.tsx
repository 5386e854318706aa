// One code's row actions: copy, enable/disable (until it is used), edit, delete.
import { DeleteOutlined, EditOutlined } from "@ant-design/icons";
import { App, Button, Popconfirm, Space } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { api } from "../../api/client";
import { copyText } from "../../lib/clipboard";
import { errorText } from "../tokens/feedback";
import IconAction from "../tokens/IconAction";
import { REDEMPTION_DISABLED, REDEMPTION_ENABLED, REDEMPTION_USED, type Redemption } from "./types";

interface Props {
  code: Redemption;
  onChanged: (patch: Partial<Redemption>) => void;
  onDeleted: () => void;
}

export default function RedemptionActions({ code, onChanged, onDeleted }: Props) {
  const { t } = useTranslation("redemptions");
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  const used = code.status === REDEMPTION_USED;
  const enabled = code.status === REDEMPTION_ENABLED;

  const copy = async () => {
    if (await copyText(code.key)) message.success(t("list.copied"));
    else message.warning(t("list.copyFailed", { key: code.key }));
  };

  const setStatus = async (next: number) => {
    setBusy(true);
    try {
      const saved = await api.put<Redemption>("/api/redemption/?status_only=true", { id: code.id, status: next });
      onChanged({ status: saved?.status ?? next });
      message.success(next === REDEMPTION_ENABLED ? t("list.enabled") : t("list.disabled"));
    } catch (err) {
      message.error(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    try {
      await api.delete(`/api/redemption/${code.id}`);
      message.success(t("list.deleted"));
      onDeleted();
    } catch (err) {
      message.error(errorText(err));
    }
  };

  return (
    <Space size={4} wrap={false}>
      <Button size="small" onClick={() => void copy()}>
        {t("actions.copy", { ns: "common" })}
      </Button>
      {!used && (
        <Button size="small" type="link" loading={busy} onClick={() => void setStatus(enabled ? REDEMPTION_DISABLED : REDEMPTION_ENABLED)}>
          {enabled ? t("actions.disable", { ns: "common" }) : t("actions.enable", { ns: "common" })}
        </Button>
      )}
      <IconAction
        label={t("actions.edit", { ns: "common" })}
        icon={<EditOutlined />}
        disabled={used}
        onClick={() => navigate(`/redemption/edit/${code.id}`)}
      />
      <Popconfirm
        title={t("list.deleteTitle", { name: code.name })}
        description={used ? t("list.deleteUsedText") : t("list.deleteText")}
        okText={t("actions.delete", { ns: "common" })}
        okButtonProps={{ danger: true }}
        cancelText={t("actions.cancel", { ns: "common" })}
        onConfirm={remove}
      >
        <IconAction label={t("actions.delete", { ns: "common" })} icon={<DeleteOutlined />} danger />
      </Popconfirm>
    </Space>
  );
}
