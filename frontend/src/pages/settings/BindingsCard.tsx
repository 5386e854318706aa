// Linked sign-in methods: email (with a mailed code), and GitHub, Feishu, OIDC and WeChat when the
// administrator turned them on. OAuth binding leaves for the provider and returns through /oauth/<provider>.
import { GithubOutlined, IdcardOutlined, MailOutlined, SendOutlined, WechatOutlined } from "@ant-design/icons";
import { App, Button, Card, Divider, Flex, Tag, Typography } from "antd";
import { Fragment, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { useSession } from "../../session";
import { errorText } from "../auth/errors";
import { enabledProviders, startOAuth, type AuthStatus, type OAuthProvider } from "../auth/oauth";
import EmailBindModal from "./EmailBindModal";
import WeChatBindModal from "./WeChatBindModal";

interface Binding {
  id: string;
  icon: ReactNode;
  bound?: string;
  onBind: () => void;
}

const ICONS: Record<OAuthProvider, ReactNode> = { github: <GithubOutlined />, lark: <SendOutlined />, oidc: <IdcardOutlined /> };
const BOUND_FIELD = { github: "github_id", lark: "lark_id", oidc: "oidc_id" } as const;

export default function BindingsCard() {
  const { t } = useTranslation("settings");
  const { message } = App.useApp();
  const { user, status } = useSession();
  const [modal, setModal] = useState<"email" | "wechat" | null>(null);
  const [leaving, setLeaving] = useState<string | null>(null);
  if (!user) return null;

  const oauth = async (provider: OAuthProvider) => {
    setLeaving(provider);
    try {
      await startOAuth(provider, status as AuthStatus, "/setting");
    } catch (err) {
      setLeaving(null);
      message.error(err instanceof Error && err.message === "oidc" ? t("bindings.oidcUnavailable") : errorText(err, t));
    }
  };

  const bindings: Binding[] = [
    { id: "email", icon: <MailOutlined />, bound: user.email, onBind: () => setModal("email") },
    ...enabledProviders(status).map((provider) => ({
      id: provider, icon: ICONS[provider], bound: user[BOUND_FIELD[provider]], onBind: () => void oauth(provider),
    })),
  ];
  if (status.wechat_login) bindings.push({ id: "wechat", icon: <WechatOutlined />, bound: user.wechat_id, onBind: () => setModal("wechat") });

  return (
    <Card size="small" title={t("bindings.title")}>
      {bindings.map((binding, index) => {
        const name = t(`bindings.${binding.id}`);
        return (
          <Fragment key={binding.id}>
            {index > 0 && <Divider style={{ margin: "10px 0" }} />}
            <Flex justify="space-between" align="center" gap={12} wrap>
              <Flex gap={10} align="center" style={{ minWidth: 0 }}>
                <span style={{ fontSize: 18 }}>{binding.icon}</span>
                <div style={{ minWidth: 0 }}>
                  <div>{name}</div>
                  {binding.bound
                    ? <Typography.Text type="secondary" ellipsis style={{ maxWidth: 240 }}>{binding.bound}</Typography.Text>
                    : <Tag>{t("bindings.notBound")}</Tag>}
                </div>
              </Flex>
              <Button
                onClick={binding.onBind}
                loading={leaving === binding.id}
                disabled={leaving !== null && leaving !== binding.id}
                aria-label={t(binding.bound ? "bindings.rebindLabel" : "bindings.bindLabel", { provider: name })}
              >
                {binding.bound ? t("bindings.rebind") : t("bindings.bind")}
              </Button>
            </Flex>
          </Fragment>
        );
      })}
      <EmailBindModal open={modal === "email"} onClose={() => setModal(null)} />
      <WeChatBindModal open={modal === "wechat"} onClose={() => setModal(null)} />
    </Card>
  );
}
