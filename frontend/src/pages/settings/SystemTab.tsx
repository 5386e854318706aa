// System settings (root): sign-in methods, the public address, SMTP, OAuth apps, WeChat, Turnstile.
import { Alert, Col, Row, Typography } from "antd";
import { useTranslation } from "react-i18next";
import OptionSection, { type FieldSpec } from "./OptionSection";
import type { OptionStore } from "./useOptions";

const LOGIN_SWITCHES = [
  "PasswordLoginEnabled", "PasswordRegisterEnabled", "RegisterEnabled", "EmailVerificationEnabled",
  "GitHubOAuthEnabled", "OidcEnabled", "WeChatAuthEnabled", "TurnstileCheckEnabled",
];

const SECTIONS: { id: string; fields: FieldSpec[]; switches?: string[]; callback?: string }[] = [
  { id: "server", fields: [{ key: "ServerAddress", kind: "url" }] },
  { id: "login", fields: [], switches: LOGIN_SWITCHES },
  { id: "emailDomain", fields: [{ key: "EmailDomainWhitelist", kind: "tags" }], switches: ["EmailDomainRestrictionEnabled"] },
  {
    id: "smtp",
    fields: [
      { key: "SMTPServer" }, { key: "SMTPPort", kind: "whole", min: 1, max: 65535 }, { key: "SMTPAccount" },
      { key: "SMTPFrom" }, { key: "SMTPToken", kind: "secret" },
    ],
  },
  { id: "github", fields: [{ key: "GitHubClientId" }, { key: "GitHubClientSecret", kind: "secret" }], callback: "github" },
  { id: "lark", fields: [{ key: "LarkClientId" }, { key: "LarkClientSecret", kind: "secret" }], callback: "lark" },
  {
    id: "oidc",
    fields: [
      { key: "OidcClientId" }, { key: "OidcClientSecret", kind: "secret" }, { key: "OidcWellKnown", kind: "url" },
      { key: "OidcAuthorizationEndpoint", kind: "url" }, { key: "OidcTokenEndpoint", kind: "url" },
      { key: "OidcUserinfoEndpoint", kind: "url" },
    ],
    callback: "oidc",
  },
  {
    id: "wechat",
    fields: [
      { key: "WeChatServerAddress", kind: "url" }, { key: "WeChatServerToken", kind: "secret" },
      { key: "WeChatAccountQRCodeImageURL", kind: "url" },
    ],
  },
  { id: "turnstile", fields: [{ key: "TurnstileSiteKey" }, { key: "TurnstileSecretKey", kind: "secret" }] },
  { id: "pusher", fields: [{ key: "MessagePusherAddress", kind: "url" }, { key: "MessagePusherToken", kind: "secret" }] },
];

export default function SystemTab({ store }: { store: OptionStore }) {
  const { t } = useTranslation("settings");
  const base = (store.values.ServerAddress || window.location.origin).replace(/\/+$/, "");
  const description = (id: string, callback?: string) => {
    const text = t(`sections.${id}.description`, { defaultValue: "" });
    if (!callback) return text || undefined;
    return (
      <>
        {text} {t("callbackUrl")} <Typography.Text code copyable>{`${base}/oauth/${callback}`}</Typography.Text>
      </>
    );
  };
  return (
    <Row gutter={[16, 16]}>
      {!store.values.ServerAddress && (
        <Col span={24}><Alert type="warning" showIcon title={t("serverAddressMissing")} /></Col>
      )}
      {SECTIONS.map((section) => (
        <Col key={section.id} xs={24} xl={12}>
          <OptionSection
            title={t(`sections.${section.id}.title`)}
            description={description(section.id, section.callback)}
            store={store}
            fields={section.fields}
            switches={section.switches}
            saveLabel={t("saveSection", { section: t(`sections.${section.id}.title`) })}
          />
        </Col>
      ))}
    </Row>
  );
}
