// The headline figures: the account's balance and lifetime use, then today's (UTC) requests, quota and tokens.
import {
  ApiOutlined, FireOutlined, SwapOutlined, ThunderboltOutlined, WalletOutlined, FieldNumberOutlined,
} from "@ant-design/icons";
import { Card, Col, Row, Statistic, Tooltip } from "antd";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { formatQuota } from "../../lib/quota";
import { useSession, type CurrentUser } from "../../session";
import type { DayPoint } from "./series";

interface StatItem {
  key: string;
  icon: ReactNode;
  color: string;
  value: string;
  hint?: string;
}

function StatCard({ card, title }: { card: StatItem; title: string }) {
  return (
    <Card size="small" style={{ height: "100%" }}>
      <Tooltip title={card.hint}>
        <Statistic
          title={<span><span style={{ color: card.color, marginInlineEnd: 6 }}>{card.icon}</span>{title}</span>}
          value={card.value}
        />
      </Tooltip>
    </Card>
  );
}

export default function StatCards({ user, today }: { user: CurrentUser | null; today: DayPoint }) {
  const { t } = useTranslation("dashboard");
  const { status } = useSession();
  const number = (value: number) => value.toLocaleString("en-US");
  const cards: StatItem[] = [
    { key: "balance", icon: <WalletOutlined />, color: "#3b5bdb", value: formatQuota(user?.quota ?? 0, status) },
    { key: "used", icon: <FireOutlined />, color: "#e8590c", value: formatQuota(user?.used_quota ?? 0, status) },
    { key: "requestCount", icon: <SwapOutlined />, color: "#2f9e44", value: number(user?.request_count ?? 0) },
    { key: "todayRequests", icon: <ApiOutlined />, color: "#1098ad", value: number(today.requests), hint: t("utcHint") },
    { key: "todayQuota", icon: <ThunderboltOutlined />, color: "#ae3ec9", value: formatQuota(today.quota, status), hint: t("utcHint") },
    {
      key: "todayTokens", icon: <FieldNumberOutlined />, color: "#f08c00", value: number(today.tokens),
      hint: t("tokensHint", { prompt: number(today.promptTokens), completion: number(today.completionTokens) }),
    },
  ];
  return (
    <Row gutter={[12, 12]}>
      {cards.map((card) => (
        <Col key={card.key} xs={12} md={8} xl={4}>
          <StatCard card={card} title={t(`stats.${card.key}`)} />
        </Col>
      ))}
    </Row>
  );
}
