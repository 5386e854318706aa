// The per-channel buttons: test, enable or disable, edit, delete (confirmed).
import { DeleteOutlined, EditOutlined } from "@ant-design/icons";
import { Button, Popconfirm, Space, Tooltip } from "antd";
import { useTranslation } from "react-i18next";
import { TestControl } from "./cells";
import type { ChannelActions } from "./channelColumns";
import { STATUS_ENABLED, STATUS_MANUALLY_DISABLED, type Channel } from "./types";

interface Props {
  channel: Channel;
  actions: ChannelActions;
  /** Cards wrap the buttons; the table keeps them on one line, with Edit and Delete as labelled icons. */
  wrap?: boolean;
}

export default function RowActions({ channel, actions, wrap = false }: Props) {
  const { t } = useTranslation("channels");
  const enabled = channel.status === STATUS_ENABLED;
  const editText = t("actions.edit", { ns: "common" });
  const deleteText = t("actions.delete", { ns: "common" });
  return (
    <Space size={4} wrap={wrap}>
      <TestControl channel={channel} onTest={(model) => actions.test(channel, model)} />
      <Button size="small" onClick={() => actions.setStatus(channel, enabled ? STATUS_MANUALLY_DISABLED : STATUS_ENABLED)}>
        {enabled ? t("actions.disable", { ns: "common" }) : t("actions.enable", { ns: "common" })}
      </Button>
      {wrap ? (
        <Button size="small" onClick={() => actions.edit(channel)}>{editText}</Button>
      ) : (
        <Tooltip title={editText}>
          <Button size="small" icon={<EditOutlined aria-hidden />} aria-label={editText} onClick={() => actions.edit(channel)} />
        </Tooltip>
      )}
      <Popconfirm title={t("list.deleteTitle", { name: channel.name })} description={t("confirmDelete", { ns: "common" })}
        okText={deleteText} okButtonProps={{ danger: true }}
        cancelText={t("actions.cancel", { ns: "common" })} onConfirm={() => actions.remove(channel)}>
        {wrap ? (
          <Button size="small" danger>{deleteText}</Button>
        ) : (
          <Button size="small" danger icon={<DeleteOutlined aria-hidden />} aria-label={deleteText} title={deleteText} />
        )}
      </Popconfirm>
    </Space>
  );
}
