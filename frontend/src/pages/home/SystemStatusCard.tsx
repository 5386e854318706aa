// Facts about this deployment: version, uptime and which sign-in methods are on.
import { CheckCircleFilled, MinusCircleOutlined } from "@ant-design/icons";
import { Card, Descriptions, Flex, Tag } from "antd";
import { useTranslation } from "react-i18next";
import { formatTimestamp, nowSeconds } from "../../lib/time";
import { useSession, type SystemStatus } from "../../session";

function uptimeParts(seconds: number): { days: number; hours: number; minutes: number } {
  const safe = Math.max(0, Math.floor(seconds));
  return { days: Math.floor(safe / 86400), hours: Math.floor((safe % 86400) / 3600), minutes: Math.floor((safe % 3600) / 60) };
}

function methods(status: SystemStatus): { key: string; on: boolean }[] {
  return [
    { key: "password", on: true },
    { key: "emailVerification", on: Boolean(status.email_verification) },
    { key: "github", on: Boolean(status.github_oauth) },
    { key: "lark", on: Boolean(status.lark_client_id) },
    { key: "oidc", on: Boolean(status.oidc) },
    { key: "wechat", on: Boolean(status.wechat_login) },
    { key: "turnstile", on: Boolean(status.turnstile_check) },
  ];
}

export default function SystemStatusCard() {
  const { t } = useTranslation("home");
  const { status } = useSession();
  const started = status.start_time ?? 0;
  const up = uptimeParts(nowSeconds() - started);
  const uptime = up.days > 0 ? t("status.uptimeDays", up) : t("status.uptimeHours", up);

  return (
    <Card title={t("status.title")}>
      <Descriptions
        column={1}
        size="small"
        items={[
          { key: "version", label: t("status.version"), children: <Tag color="blue">{status.version || "—"}</Tag> },
          {
            key: "started",
            label: t("status.started"),
            children: started ? formatTimestamp(started) : "—",
          },
          { key: "uptime", label: t("status.uptimeLabel"), children: started ? uptime : "—" },
        ]}
      />
      <div style={{ marginTop: 16, marginBottom: 8, fontWeight: 500 }}>{t("status.signIn")}</div>
      <Flex gap={6} wrap>
        {methods(status).map(({ key, on }) => (
          <Tag
            key={key}
            color={on ? "success" : "default"}
            icon={on ? <CheckCircleFilled /> : <MinusCircleOutlined />}
            aria-label={`${t(`status.methods.${key}`)}: ${on ? t("status.on") : t("status.off")}`}
          >
            {t(`status.methods.${key}`)}
          </Tag>
        ))}
      </Flex>
    </Card>
  );
}
