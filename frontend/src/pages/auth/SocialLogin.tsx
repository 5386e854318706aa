// Third-party sign-in buttons (GitHub, Feishu, OIDC, WeChat), shown only for the methods the status turns on.
import { GithubOutlined, IdcardOutlined, SendOutlined, WechatOutlined } from "@ant-design/icons";
import { App, Button, Divider, Flex } from "antd";
import { useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { useSession } from "../../session";
import { errorText } from "./errors";
import { enabledProviders, startOAuth, type AuthStatus, type OAuthProvider } from "./oauth";
import WeChatLoginModal from "./WeChatLoginModal";

const ICONS: Record<OAuthProvider, ReactNode> = {
  github: <GithubOutlined />,
  lark: <SendOutlined />,
  oidc: <IdcardOutlined />,
};

interface Props {
  /** Where to go after signing in. */
  next: string;
  onSignedIn: () => void;
}

export default function SocialLogin({ next, onSignedIn }: Props) {
  const { t } = useTranslation("auth");
  const { message } = App.useApp();
  const { status } = useSession();
  const [leaving, setLeaving] = useState<OAuthProvider | null>(null);
  const [wechatOpen, setWechatOpen] = useState(false);
  const providers = enabledProviders(status);
  const wechat = Boolean(status.wechat_login);
  if (providers.length === 0 && !wechat) return null;

  const start = async (provider: OAuthProvider) => {
    setLeaving(provider);
    try {
      await startOAuth(provider, status as AuthStatus, next);
    } catch (err) {
      setLeaving(null);
      message.error(err instanceof Error && err.message === "oidc" ? t("oauth.oidcNotConfigured") : errorText(err, t));
    }
  };

  return (
    <>
      <Divider plain style={{ margin: "8px 0 16px" }}>
        <span style={{ color: "#8c8c8c", fontSize: 13 }}>{t("login.orContinueWith")}</span>
      </Divider>
      <Flex gap={8} wrap>
        {providers.map((provider) => (
          <Button
            key={provider}
            icon={ICONS[provider]}
            loading={leaving === provider}
            disabled={leaving !== null && leaving !== provider}
            onClick={() => void start(provider)}
            style={{ flex: "1 1 120px" }}
          >
            {t(`providers.${provider}`)}
          </Button>
        ))}
        {wechat && (
          <Button
            icon={<WechatOutlined style={{ color: "#07c160" }} />}
            disabled={leaving !== null}
            onClick={() => setWechatOpen(true)}
            style={{ flex: "1 1 120px" }}
          >
            {t("providers.wechat")}
          </Button>
        )}
      </Flex>
      <WeChatLoginModal open={wechatOpen} onClose={() => setWechatOpen(false)} onSignedIn={onSignedIn} />
    </>
  );
}
