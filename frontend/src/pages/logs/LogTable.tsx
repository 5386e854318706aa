// The logs table: one page from the server; sorting applies within the page.
import { App, Button, Empty, Grid, Space, Table, Tag, Tooltip, Typography } from "antd";
import type { ColumnsType, TablePaginationConfig } from "antd/es/table";
import { useTranslation } from "react-i18next";
import { copyText } from "../../lib/clipboard";
import { formatQuota } from "../../lib/quota";
import { formatTimestamp } from "../../lib/time";
import { useSession } from "../../session";
import { logType, rowKey, type LogRow } from "./logQuery";

function speedColor(ms: number): string {
  if (ms < 3000) return "green";
  if (ms < 10000) return "gold";
  return "red";
}

function TimeText({ seconds }: { seconds: number }) {
  const [date, time] = formatTimestamp(seconds).split(" ");
  return (
    <span style={{ display: "inline-block", whiteSpace: "nowrap", lineHeight: 1.35, textAlign: "start" }}>
      <span style={{ fontSize: 12, opacity: 0.75 }}>{date}</span>
      <br />
      {time}
    </span>
  );
}

function TimeCell({ row }: { row: LogRow }) {
  const { t } = useTranslation("logs");
  const { message } = App.useApp();
  if (!row.request_id) return <TimeText seconds={row.created_at} />;
  return (
    <Tooltip title={t("copyRequestId", { id: row.request_id })}>
      <Button
        type="link"
        size="small"
        style={{ padding: 0, height: "auto" }}
        aria-label={t("copyRequestIdLabel", { time: formatTimestamp(row.created_at) })}
        onClick={async () => {
          if (await copyText(row.request_id)) message.success(t("requestIdCopied"));
          else message.error(t("copyFailed"));
        }}
      >
        <TimeText seconds={row.created_at} />
      </Button>
    </Tooltip>
  );
}

function DetailCell({ row }: { row: LogRow }) {
  const { t } = useTranslation("logs");
  return (
    <Space orientation="vertical" size={4} style={{ width: 200 }}>
      {row.content && (
        <Typography.Paragraph style={{ margin: 0 }} ellipsis={{ rows: 2, expandable: "collapsible" }}>
          {row.content}
        </Typography.Paragraph>
      )}
      <Space size={4} wrap>
        {row.elapsed_time > 0 && <Tag color={speedColor(row.elapsed_time)}>{t("elapsed", { ms: row.elapsed_time.toLocaleString("en-US") })}</Tag>}
        {row.is_stream && <Tag color="geekblue">{t("stream")}</Tag>}
        {row.system_prompt_reset && <Tag color="volcano">{t("systemPromptReset")}</Tag>}
      </Space>
    </Space>
  );
}

function useColumns(isAdmin: boolean): ColumnsType<LogRow> {
  const { t } = useTranslation("logs");
  const { status } = useSession();
  const text = (value: string) => (value ? <Typography.Text>{value}</Typography.Text> : <Typography.Text type="secondary">—</Typography.Text>);
  const columns: (ColumnsType<LogRow>[number] | false)[] = [
    { key: "time", title: t("columns.time"), render: (_, row) => <TimeCell row={row} />, sorter: (a, b) => a.created_at - b.created_at },
    isAdmin && { key: "channel", title: t("columns.channel"), dataIndex: "channel", render: (value: number) => (value ? <Tag>{value}</Tag> : "—") },
    {
      key: "type", title: t("columns.type"), dataIndex: "type",
      render: (value: number) => {
        const type = logType(value);
        return <Tag color={type.color}>{t(`types.${type.key}`)}</Tag>;
      },
    },
    { key: "model", title: t("columns.model"), dataIndex: "model_name", render: (value: string) => (value ? <Tag color="blue">{value}</Tag> : "—") },
    isAdmin && { key: "user", title: t("columns.user"), dataIndex: "username", render: text },
    { key: "token", title: t("columns.token"), dataIndex: "token_name", render: text },
    { key: "prompt", title: t("columns.promptTokens"), dataIndex: "prompt_tokens", align: "right", render: (value: number) => (value ? value.toLocaleString("en-US") : "") },
    { key: "completion", title: t("columns.completionTokens"), dataIndex: "completion_tokens", align: "right", render: (value: number) => (value ? value.toLocaleString("en-US") : "") },
    { key: "quota", title: t("columns.quota"), dataIndex: "quota", align: "right", sorter: (a, b) => a.quota - b.quota, render: (value: number) => (value ? formatQuota(value, status) : "") },
    { key: "detail", title: t("columns.detail"), render: (_, row) => <DetailCell row={row} /> },
  ];
  return columns.filter((column): column is ColumnsType<LogRow>[number] => Boolean(column));
}

interface Props {
  isAdmin: boolean;
  rows: LogRow[];
  loading: boolean;
  pagination: TablePaginationConfig;
  onPage: (page: number, pageSize: number) => void;
}

export default function LogTable({ isAdmin, rows, loading, pagination, onPage }: Props) {
  const { t } = useTranslation("logs");
  const phone = !Grid.useBreakpoint().md;
  return (
    <Table<LogRow>
      size="small"
      rowKey={(row) => rowKey(row, rows.indexOf(row))}
      columns={useColumns(isAdmin)}
      dataSource={rows}
      loading={loading}
      scroll={{ x: "max-content" }}
      locale={{ emptyText: <Empty description={t("empty")} /> }}
      pagination={{
        ...pagination,
        showSizeChanger: !phone,
        showLessItems: phone,
        pageSizeOptions: [10, 20, 50, 100],
        showTotal: phone ? undefined : (total) => t("total", { count: total }),
        onChange: onPage,
      }}
    />
  );
}
