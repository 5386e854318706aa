// One key's row actions: copy (the key, or a chat-app link), enable/disable, edit, delete.
import { DeleteOutlined, DownOutlined, EditOutlined } from "@ant-design/icons";
import { App, Button, Dropdown, Popconfirm, Space, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { api } from "../../api/client";
import { copyText } from "../../lib/clipboard";
import { useSession } from "../../session";
import { chatAppLink, fullKey, type ChatApp } from "./chatLinks";
import { errorText } from "./feedback";
import IconAction from "./IconAction";
import { TOKEN_DISABLED, TOKEN_ENABLED, type Token } from "./types";
import { useRowActions } from "./useRowActions";

interface Props {
  token: Token;
  onChanged: (patch: Partial<Token>) => void;
  onDeleted: () => void;
}

export default function TokenActions({ token, onChanged, onDeleted }: Props) {
  const { t } = useTranslation("tokens");
  const { message, modal } = App.useApp();
  const { status } = useSession();
  const navigate = useNavigate();
  const { busy, setStatus, remove } = useRowActions<Token>({
    ns: "tokens", base: "/api/token/", id: token.id, enabledStatus: TOKEN_ENABLED, onChanged, onDeleted,
  });

  const copy = async (what: "key" | ChatApp) => {
    try {
      // Lists carry masked keys; the owner's GET returns the whole key.
      const { key } = await api.get<Token>(`/api/token/${token.id}`);
      const settings = { chatLink: status.chat_link, serverAddress: status.server_address, origin: window.location.origin };
      const text = what === "key" ? fullKey(key) : chatAppLink(what, key, settings);
      if (!text) return;
      if (await copyText(text)) message.success(t("list.copied"));
      else modal.info({ title: t("list.copyManually"), content: <Typography.Text copyable code>{text}</Typography.Text> });
    } catch (err) {
      message.error(errorText(err));
    }
  };

  const links = status.chat_link
    ? [
        { key: "nextchat", label: t("list.copyNextChat") },
        { key: "lobe", label: t("list.copyLobe") },
      ]
    : [];
  const enabled = token.status === TOKEN_ENABLED;

  return (
    <Space size={4} wrap={false}>
      <Space.Compact size="small">
        <Button size="small" onClick={() => void copy("key")}>
          {t("actions.copy", { ns: "common" })}
        </Button>
        {links.length > 0 && (
          <Dropdown menu={{ items: links, onClick: ({ key }) => void copy(key as ChatApp) }} trigger={["click"]}>
            <Button size="small" icon={<DownOutlined />} aria-label={t("list.moreCopy")} />
          </Dropdown>
        )}
      </Space.Compact>
      <Button size="small" type="link" loading={busy} onClick={() => void setStatus(enabled ? TOKEN_DISABLED : TOKEN_ENABLED)}>
        {enabled ? t("actions.disable", { ns: "common" }) : t("actions.enable", { ns: "common" })}
      </Button>
      <IconAction label={t("actions.edit", { ns: "common" })} icon={<EditOutlined />} onClick={() => navigate(`/token/edit/${token.id}`)} />
      <Popconfirm
        title={t("list.deleteTitle", { name: token.name || `#${token.id}` })}
        description={t("list.deleteText")}
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
