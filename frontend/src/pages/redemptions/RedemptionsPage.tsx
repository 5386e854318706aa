// /redemption (admin): every redemption code, with search and server paging.
import { Grid, Table, Tag, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { formatQuota } from "../../lib/quota";
import { useSession } from "../../session";
import ListFrame, { ListEmpty } from "../../components/ListFrame";
import TimeText from "../tokens/TimeText";
import { usePagedList } from "../tokens/usePagedList";
import RedemptionActions from "./RedemptionActions";
import { REDEMPTION_DISABLED, REDEMPTION_ENABLED, REDEMPTION_USED, type Redemption } from "./types";

const STATUS_TAGS: Record<number, { color: string; label: string }> = {
  [REDEMPTION_ENABLED]: { color: "green", label: "status.unused" },
  [REDEMPTION_DISABLED]: { color: "default", label: "status.disabled" },
  [REDEMPTION_USED]: { color: "blue", label: "status.used" },
};

export default function RedemptionsPage() {
  const { t } = useTranslation("redemptions");
  const { status } = useSession();
  const list = usePagedList<Redemption>("/api/redemption/", "/api/redemption/search");
  const { updateRow, afterRemove } = list;
  const phone = !Grid.useBreakpoint().md;

  const columns = useMemo<ColumnsType<Redemption>>(
    () => [
      { title: t("fields.id"), dataIndex: "id", width: 72 },
      { title: t("fields.name"), dataIndex: "name", render: (name: string) => <Typography.Text strong style={{ whiteSpace: "nowrap" }}>{name}</Typography.Text> },
      {
        title: t("fields.status"),
        dataIndex: "status",
        render: (value: number) => {
          const tag = STATUS_TAGS[value] ?? { color: "default", label: "status.unknown" };
          return <Tag color={tag.color}>{t(tag.label)}</Tag>;
        },
      },
      { title: t("fields.quota"), dataIndex: "quota", render: (quota: number) => formatQuota(quota, status) },
      {
        title: t("fields.created"),
        dataIndex: "created_time",
        render: (value: number) => <TimeText seconds={value} />,
      },
      {
        title: t("fields.redeemed"),
        dataIndex: "redeemed_time",
        render: (value: number) =>
          value ? (
            <TimeText seconds={value} minute />
          ) : (
            <Typography.Text type="secondary">{t("fields.notYet")}</Typography.Text>
          ),
      },
      {
        title: t("fields.actions"),
        key: "actions",
        render: (_, code) => (
          <RedemptionActions code={code} onChanged={(patch) => updateRow(code.id, patch)} onDeleted={afterRemove} />
        ),
      },
    ],
    [t, status, updateRow, afterRemove],
  );

  return (
    <ListFrame ns="redemptions" addPath="/redemption/add" onRefresh={list.reload} onSearch={list.search}>
      <Table<Redemption>
        rowKey="id"
        columns={columns}
        dataSource={list.rows}
        loading={list.loading}
        pagination={list.pagination}
        scroll={{ x: true }}
        size={phone ? "small" : "middle"}
        locale={{
          emptyText: <ListEmpty ns="redemptions" keyword={list.query.keyword} />,
        }}
      />
    </ListFrame>
  );
}
