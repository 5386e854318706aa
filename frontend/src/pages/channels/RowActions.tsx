// The per-channel buttons: test, enable or disable, edit, delete (confirmed).
import { Button, Popconfirm, Space } from "antd";
import { useTranslation } from "react-i18next";
import { TestControl } from "./cells";
import type { ChannelActions } from "./channelColumns";
import { STATUS_ENABLED, STATUS_MANUALLY_DISABLED, type Channel } from "./types";

interface Props {
  channel: Channel;
  actions: ChannelActions;
  /** Cards wrap the buttons; the table keeps them on one line. */
  wrap?: boolean;
}

export default function RowActions({ channel, actions, wrap = false }: Props) {
  const { t } = useTranslation("channels");
  const enabled = channel.status === STATUS_ENABLED;
  return (
    <Space size={4} wrap={wrap}>
      <TestControl channel={channel} onTest={(model) => actions.test(channel, model)} />
      <Button size="small" onClick={() => actions.setStatus(channel, enabled ? STATUS_MANUALLY_DISABLED : STATUS_ENABLED)}>
        {enabled ? t("actions.disable", { ns: "common" }) : t("actions.enable", { ns: "common" })}
      </Button>
      <Button size="small" onClick={() => actions.edit(channel)}>{t("actions.edit", { ns: "common" })}</Button>
      <Popconfirm title={t("list.deleteTitle", { name: channel.name })} description={t("confirmDelete", { ns: "common" })}
        okText={t("actions.delete", { ns: "common" })} okButtonProps={{ danger: true }}
        cancelText={t("actions.cancel", { ns: "common" })} onConfirm={() => actions.remove(channel)}>
        <Button size="small" danger>{t("actions.delete", { ns: "common" })}</Button>
      </Popconfirm>
    </Space>
  );
}
