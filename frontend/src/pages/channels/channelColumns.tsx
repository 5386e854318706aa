// The columns of the channel table (desktop and tablet; phones get ChannelCards).
import { Flex, Space, Tag, Tooltip, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import type { TFunction } from "i18next";
import { formatQuota, type QuotaDisplay } from "../../lib/quota";
import { BalanceCell, InlineNumber, ResponseTime, StatusTag } from "./cells";
import { splitList } from "./channelForm";
import { comparator, typeLabel, type SortKey } from "./channelSort";
import RowActions from "./RowActions";
import type { Channel, ChannelTypeInfo } from "./types";

export interface ChannelActions {
  test: (channel: Channel, model?: string) => Promise<void>;
  refreshBalance: (channel: Channel) => Promise<void>;
  setStatus: (channel: Channel, status: number) => Promise<void>;
  setNumber: (channel: Channel, field: "priority" | "weight", value: number) => Promise<void>;
  remove: (channel: Channel) => Promise<void>;
  edit: (channel: Channel) => void;
}

export interface ChannelViewContext {
  t: TFunction<"channels">;
  types: Map<number, ChannelTypeInfo>;
  quotaDisplay: QuotaDisplay;
  failures: Record<number, string>;
  actions: ChannelActions;
}

export function TypeTag({ types, id, t }: { types: Map<number, ChannelTypeInfo>; id: number; t: TFunction<"channels"> }) {
  return <Tag color="blue">{typeLabel(types, id) ?? t("list.unknownType", { id })}</Tag>;
}

export function GroupTags({ group }: { group: string }) {
  return (
    <Space size={[0, 4]} wrap>
      {splitList(group).map((name) => <Tag key={name}>{name}</Tag>)}
    </Space>
  );
}

export function channelColumns(ctx: ChannelViewContext, fixedActions: boolean): ColumnsType<Channel> {
  const { t, types, quotaDisplay, failures, actions } = ctx;
  const sorter = (key: SortKey) => ({ sorter: comparator(key, types), dataIndex: key });
  return [
    { title: t("fields.id"), ...sorter("id"), width: 56 },
    {
      title: t("fields.name"), ...sorter("name"),
      render: (name: string, row) => (
        <Tooltip title={row.base_url || undefined}>
          <Typography.Text strong>{name}</Typography.Text>
        </Tooltip>
      ),
    },
    {
      // Type and groups share a column so the table fits a 1280 px screen.
      title: t("list.typeAndGroups"), ...sorter("type"),
      render: (type: number, row) => (
        <Space size={[0, 4]} wrap style={{ maxWidth: 160 }}>
          <TypeTag types={types} id={type} t={t} />
          <GroupTags group={row.group} />
        </Space>
      ),
    },
    {
      // The last test's response time sits under the status: one column less to fit 1280 px.
      title: t("fields.status"), ...sorter("status"),
      render: (status: number, row) => (
        <Flex vertical align="start" gap={4}>
          <StatusTag status={status} />
          <ResponseTime channel={row} failure={failures[row.id]} />
        </Flex>
      ),
    },
    {
      title: t("list.balanceAndUsed"), ...sorter("balance"),
      render: (_: number, row) => (
        <Flex vertical align="start">
          <BalanceCell channel={row} onRefresh={() => actions.refreshBalance(row)} />
          <Tooltip title={t("fields.usedQuota")}>
            <Typography.Text type="secondary" style={{ fontSize: 12, paddingInline: 7 }}>
              {formatQuota(row.used_quota, quotaDisplay)}
            </Typography.Text>
          </Tooltip>
        </Flex>
      ),
    },
    {
      title: t("fields.priority"), ...sorter("priority"),
      render: (value: number, row) => (
        <InlineNumber value={value} label={t("list.priorityOf", { name: row.name })}
          onCommit={(next) => actions.setNumber(row, "priority", next)} />
      ),
    },
    {
      title: t("fields.weight"), ...sorter("weight"),
      render: (value: number, row) => (
        <InlineNumber value={value} min={0} label={t("list.weightOf", { name: row.name })}
          onCommit={(next) => actions.setNumber(row, "weight", next)} />
      ),
    },
    {
      title: t("list.actions"), key: "actions", fixed: fixedActions ? "right" : undefined,
      render: (_: unknown, row) => <RowActions channel={row} actions={actions} />,
    },
  ];
}
