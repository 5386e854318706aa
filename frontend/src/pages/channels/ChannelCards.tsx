// Phones: one card per channel instead of a table too wide for the screen, with a sort menu.
import { Card, Empty, Flex, Pagination, Select, Space, Spin, Typography } from "antd";
import { useState, type ReactNode } from "react";
import { formatQuota } from "../../lib/quota";
import { BalanceCell, InlineNumber, ResponseTime, StatusTag } from "./cells";
import { GroupTags, TypeTag, type ChannelViewContext } from "./channelColumns";
import { sortChannels, type SortKey } from "./channelSort";
import RowActions from "./RowActions";
import type { Channel } from "./types";

interface Props extends ChannelViewContext {
  rows: Channel[];
  total: number;
  page: number;
  pageSize: number;
  loading: boolean;
  emptyText: string;
  onPage: (page: number, size: number) => void;
}

// Sort key → the fields.* text that names it.
const SORTS: [SortKey, string][] = [
  ["id", "id"], ["priority", "priority"], ["response_time", "responseTime"], ["balance", "balance"],
  ["used_quota", "usedQuota"], ["name", "name"],
];

function Stat({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Flex vertical gap={2} style={{ minWidth: 96 }}>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>{label}</Typography.Text>
      <div>{children}</div>
    </Flex>
  );
}

export default function ChannelCards({ rows, total, page, pageSize, loading, emptyText, onPage, ...ctx }: Props) {
  const { t, types, failures, actions, quotaDisplay } = ctx;
  const [sort, setSort] = useState<string>("id:desc");
  const [key, order] = sort.split(":") as [SortKey, string];
  // Search results come whole and are paged here; list pages come one at a time from the server.
  const onScreen = rows.length < total ? rows : rows.slice((page - 1) * pageSize, page * pageSize);
  const sorted = sortChannels(onScreen, key, order === "desc", types);
  const sortOptions = SORTS.flatMap(([name, label]) => [
    { value: `${name}:desc`, label: `${t(`fields.${label}`)} ↓` },
    { value: `${name}:asc`, label: `${t(`fields.${label}`)} ↑` },
  ]);

  return (
    <Spin spinning={loading}>
      <Flex vertical gap={12}>
        <Select value={sort} onChange={setSort} options={sortOptions} aria-label={t("list.sortBy")}
          prefix={t("list.sortBy")} style={{ width: "100%" }} />
        {!sorted.length && !loading && <Empty description={emptyText} />}
        {sorted.map((row) => (
          <Card key={row.id} size="small"
            title={<Space size={6}><Typography.Text strong>{row.name}</Typography.Text><Typography.Text type="secondary">#{row.id}</Typography.Text></Space>}
            extra={<StatusTag status={row.status} />}>
            <Flex vertical gap={10}>
              <Space size={[4, 4]} wrap><TypeTag types={types} id={row.type} t={t} /><GroupTags group={row.group} /></Space>
              <Flex wrap gap={12}>
                <Stat label={t("fields.responseTime")}><ResponseTime channel={row} failure={failures[row.id]} /></Stat>
                <Stat label={t("fields.balance")}><BalanceCell channel={row} onRefresh={() => actions.refreshBalance(row)} /></Stat>
                <Stat label={t("fields.usedQuota")}>{formatQuota(row.used_quota, quotaDisplay)}</Stat>
                <Stat label={t("fields.priority")}>
                  <InlineNumber value={row.priority} label={t("list.priorityOf", { name: row.name })}
                    onCommit={(next) => actions.setNumber(row, "priority", next)} />
                </Stat>
                <Stat label={t("fields.weight")}>
                  <InlineNumber value={row.weight} min={0} label={t("list.weightOf", { name: row.name })}
                    onCommit={(next) => actions.setNumber(row, "weight", next)} />
                </Stat>
              </Flex>
              <RowActions channel={row} actions={actions} wrap />
            </Flex>
          </Card>
        ))}
        {total > 0 && (
          <Flex justify="center">
            <Pagination simple current={page} pageSize={pageSize} total={total} onChange={onPage} />
          </Flex>
        )}
      </Flex>
    </Spin>
  );
}
