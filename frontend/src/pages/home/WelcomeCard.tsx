// The default home page's hero: who we are, the OpenAI base URL to copy, and the next step to take.
import { ArrowRightOutlined, KeyOutlined, LoginOutlined, SafetyCertificateFilled } from "@ant-design/icons";
import { Card, Flex, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { useSession } from "../../session";
import { baseUrl } from "./apiExample";
import CopyField from "./CopyField";
import LinkButton from "./LinkButton";

export default function WelcomeCard() {
  const { t } = useTranslation("home");
  const { status, user } = useSession();
  const name = status.system_name || "Tollgate";

  return (
    <Card
      variant="borderless"
      style={{
        background: "linear-gradient(135deg, #eef2ff 0%, #e7f5ff 55%, #e6fcf5 100%)",
        boxShadow: "0 6px 24px rgba(31, 45, 61, 0.06)",
      }}
      styles={{ body: { padding: "clamp(20px, 5vw, 36px)" } }}
    >
      <Flex align="center" gap={14} style={{ marginBottom: 12 }}>
        {status.logo ? (
          <img src={status.logo} alt="" style={{ height: 48, maxWidth: 120, objectFit: "contain" }} />
        ) : (
          <span
            aria-hidden
            style={{
              width: 48, height: 48, borderRadius: 12, flex: "none", display: "inline-flex", alignItems: "center",
              justifyContent: "center", color: "#fff", fontSize: 26,
              background: "linear-gradient(135deg, #3b5bdb, #4dabf7)",
            }}
          >
            <SafetyCertificateFilled />
          </span>
        )}
        <Typography.Title level={2} style={{ margin: 0, fontSize: "clamp(22px, 4vw, 30px)" }}>
          {t("welcome.title", { name })}
        </Typography.Title>
      </Flex>
      <Typography.Paragraph style={{ fontSize: 16, color: "#495057", maxWidth: 620 }}>
        {t("welcome.tagline")}
      </Typography.Paragraph>
      <Typography.Text strong style={{ display: "block", marginBottom: 6 }}>
        {t("welcome.baseUrl")}
      </Typography.Text>
      <div style={{ maxWidth: 560 }}>
        <CopyField value={baseUrl()} label={t("welcome.baseUrl")} size="large" />
      </div>
      <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
        {t("welcome.baseUrlHint")}
      </Typography.Paragraph>
      <Flex gap={12} wrap style={{ marginTop: 20 }}>
        {user ? (
          <>
            <LinkButton type="primary" size="large" icon={<KeyOutlined aria-hidden />} to="/token">
              {t("welcome.getKey")}
            </LinkButton>
            <LinkButton size="large" to="/dashboard">
              {t("welcome.dashboard")} <ArrowRightOutlined aria-hidden />
            </LinkButton>
          </>
        ) : (
          <>
            <LinkButton type="primary" size="large" icon={<LoginOutlined aria-hidden />} to="/login">
              {t("welcome.login")}
            </LinkButton>
            <LinkButton size="large" to="/register">
              {t("welcome.register")}
            </LinkButton>
          </>
        )}
      </Flex>
    </Card>
  );
}
