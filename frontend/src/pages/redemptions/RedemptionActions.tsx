// One code's row actions: copy, enable/disable (until it is used), edit, delete.
import { DeleteOutlined, EditOutlined } from "@ant-design/icons";
import { App, Button, Popconfirm, Space } from "antd";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { copyText } from "../../lib/clipboard";
import IconAction from "../tokens/IconAction";
import { useRowActions } from "../tokens/useRowActions";
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
  const { busy, setStatus, remove } = useRowActions<Redemption>({
    ns: "redemptions", base: "/api/redemption/", id: code.id, enabledStatus: REDEMPTION_ENABLED, onChanged, onDeleted,
  });
  const used = code.status === REDEMPTION_USED;
  const enabled = code.status === REDEMPTION_ENABLED;

  const copy = async () => {
    if (await copyText(code.key)) message.success(t("list.copied"));
    else message.warning(t("list.copyFailed", { key: code.key }));
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
