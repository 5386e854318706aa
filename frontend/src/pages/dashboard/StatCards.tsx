// The headline figures: the account's balance and lifetime use, then today's (UTC) requests, quota and tokens.
import {
  ApiOutlined, FireOutlined, SwapOutlined, ThunderboltOutlined, WalletOutlined, FieldNumberOutlined,
} from "@ant-design/icons";
import { Card, Col, Row, Tooltip, Typography } from "antd";
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

// Long figures ("$1,000,000,000") shrink, then end in an ellipsis whose tooltip shows the whole value.
const valueSize = (value: string) => (value.length > 12 ? 18 : value.length > 9 ? 20 : 24);

function StatCard({ card, title }: { card: StatItem; title: string }) {
  const label = (
    <span><span aria-hidden style={{ color: card.color, marginInlineEnd: 6 }}>{card.icon}</span>{title}</span>
  );
  return (
    <Card size="small" style={{ height: "100%" }}>
      <Typography.Text type="secondary" style={{ display: "block", marginBottom: 4 }}>
        {card.hint ? <Tooltip title={card.hint}>{label}</Tooltip> : label}
      </Typography.Text>
      <Typography.Text
        ellipsis={{ tooltip: card.value }}
        style={{ display: "block", fontSize: valueSize(card.value), lineHeight: "32px", fontVariantNumeric: "tabular-nums" }}
      >
        {card.value}
      </Typography.Text>
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
        <Col key={card.key} xs={12} md={8} xxl={4}>
          <StatCard card={card} title={t(`stats.${card.key}`)} />
        </Col>
      ))}
    </Row>
  );
}
