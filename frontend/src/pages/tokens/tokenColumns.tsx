// The API-key table's columns; sorting by quota is done by the server (descending only).
import { Space, Tag, Tooltip, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import type { TFunction } from "i18next";
import { formatQuota, type QuotaDisplay } from "../../lib/quota";
import { nowSeconds } from "../../lib/time";
import TimeText from "./TimeText";
import TokenActions from "./TokenActions";
import { NEVER_EXPIRES, TOKEN_DISABLED, TOKEN_ENABLED, TOKEN_EXHAUSTED, TOKEN_EXPIRED, splitList, type Token } from "./types";

const STATUS_TAGS: Record<number, { color: string; label: string }> = {
  [TOKEN_ENABLED]: { color: "green", label: "status.enabled" },
  [TOKEN_DISABLED]: { color: "default", label: "status.disabled" },
  [TOKEN_EXPIRED]: { color: "orange", label: "status.expired" },
  [TOKEN_EXHAUSTED]: { color: "red", label: "status.exhausted" },
};

interface Handlers {
  t: TFunction<"tokens">;
  display: QuotaDisplay;
  order: string;
  onChanged: (id: number, patch: Partial<Token>) => void;
  onDeleted: () => void;
}

export function tokenColumns({ t, display, order, onChanged, onDeleted }: Handlers): ColumnsType<Token> {
  const sortOrder = (field: string) => (order === field ? ("descend" as const) : null);
  return [
    {
      title: t("fields.name"),
      dataIndex: "name",
      render: (_, token) => <NameCell token={token} t={t} />,
    },
    {
      title: t("fields.status"),
      dataIndex: "status",
      render: (value: number) => <TokenStatusTag status={value} t={t} />,
    },
    {
      title: t("fields.usedQuota"),
      dataIndex: "used_quota",
      key: "used_quota",
      sorter: true,
      sortDirections: ["descend"],
      sortOrder: sortOrder("used_quota"),
      render: (value: number) => formatQuota(value, display),
    },
    {
      title: t("fields.remainQuota"),
      dataIndex: "remain_quota",
      key: "remain_quota",
      sorter: true,
      sortDirections: ["descend"],
      sortOrder: sortOrder("remain_quota"),
      render: (_, token) => <RemainingText token={token} display={display} t={t} />,
    },
    {
      title: t("fields.created"),
      dataIndex: "created_time",
      render: (value: number) => <TimeText seconds={value} />,
    },
    {
      title: t("fields.expires"),
      dataIndex: "expired_time",
      render: (value: number) => <ExpiryText seconds={value} t={t} />,
    },
    {
      title: t("fields.actions"),
      key: "actions",
      render: (_, token) => (
        <TokenActions token={token} onChanged={(patch) => onChanged(token.id, patch)} onDeleted={onDeleted} />
      ),
    },
  ];
}

export function TokenStatusTag({ status, t }: { status: number; t: TFunction<"tokens"> }) {
  const tag = STATUS_TAGS[status] ?? { color: "default", label: "status.unknown" };
  return <Tag color={tag.color}>{t(tag.label)}</Tag>;
}

export function RemainingText({ token, display, t }: { token: Token; display: QuotaDisplay; t: TFunction<"tokens"> }) {
  return token.unlimited_quota ? <Tag color="blue">{t("fields.unlimited")}</Tag> : <>{formatQuota(token.remain_quota, display)}</>;
}

export function ExpiryText({ seconds, t }: { seconds: number; t: TFunction<"tokens"> }) {
  if (seconds === NEVER_EXPIRES) return <Typography.Text type="secondary">{t("fields.never")}</Typography.Text>;
  return <TimeText seconds={seconds} minute danger={seconds <= nowSeconds()} />;
}

export function NameCell({ token, t }: { token: Token; t: TFunction<"tokens"> }) {
  const models = splitList(token.models);
  const subnets = splitList(token.subnet);
  return (
    <Space orientation="vertical" size={2}>
      <Typography.Text strong style={{ whiteSpace: "nowrap" }}>
        {token.name || t("fields.unnamed")}
      </Typography.Text>
      <Typography.Text type="secondary" code style={{ fontSize: 12, whiteSpace: "nowrap" }}>
        sk-{token.key}
      </Typography.Text>
      {(models.length > 0 || subnets.length > 0) && (
        <Space size={4} wrap>
          {models.length > 0 && (
            <Tooltip title={models.join(", ")}>
              <Tag>{t("fields.modelCount", { count: models.length })}</Tag>
            </Tooltip>
          )}
          {subnets.length > 0 && (
            <Tooltip title={subnets.join(", ")}>
              <Tag>{t("fields.ipLimited")}</Tag>
            </Tooltip>
          )}
        </Space>
      )}
    </Space>
  );
}
