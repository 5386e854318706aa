// /user (admin): every user below the caller's role, with search, server paging and sorting by usage.
import { Grid, Space, Table, Tag, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import type { SorterResult } from "antd/es/table/interface";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { formatQuota } from "../../lib/quota";
import { ROLE_ADMIN, ROLE_ROOT, useSession } from "../../session";
import ListFrame, { ListEmpty } from "../../components/ListFrame";
import { usePagedList } from "../tokens/usePagedList";
import { USER_DELETED, USER_DISABLED, USER_ENABLED, type User } from "./types";
import UserActions from "./UserActions";

const STATUS_TAGS: Record<number, { color: string; label: string }> = {
  [USER_ENABLED]: { color: "green", label: "status.enabled" },
  [USER_DISABLED]: { color: "red", label: "status.disabled" },
  [USER_DELETED]: { color: "default", label: "status.deleted" },
};

function roleTag(role: number) {
  if (role >= ROLE_ROOT) return { color: "gold", label: "roles.root" };
  if (role >= ROLE_ADMIN) return { color: "purple", label: "roles.admin" };
  return { color: "default", label: "roles.common" };
}

export default function UsersPage() {
  const { t } = useTranslation("users");
  const { status } = useSession();
  const list = usePagedList<User>("/api/user/", "/api/user/search");
  const { updateRow, afterRemove } = list;
  const phone = !Grid.useBreakpoint().md;
  const order = list.query.order;

  const columns = useMemo<ColumnsType<User>>(() => {
    const sortable = (key: string) => ({
      key,
      sorter: true,
      sortDirections: ["descend" as const],
      sortOrder: order === key ? ("descend" as const) : null,
    });
    return [
      { title: t("fields.id"), dataIndex: "id", width: 72 },
      {
        title: t("fields.user"),
        dataIndex: "username",
        render: (_, user) => (
          <Space orientation="vertical" size={0} style={{ whiteSpace: "nowrap" }}>
            <Typography.Text strong>{user.username}</Typography.Text>
            {user.display_name && <Typography.Text type="secondary">{user.display_name}</Typography.Text>}
          </Space>
        ),
      },
      { title: t("fields.group"), dataIndex: "group", render: (group: string) => <Tag>{group || "default"}</Tag> },
      { title: t("fields.quota"), dataIndex: "quota", ...sortable("quota"), render: (v: number) => formatQuota(v, status) },
      { title: t("fields.usedQuota"), dataIndex: "used_quota", ...sortable("used_quota"), render: (v: number) => formatQuota(v, status) },
      {
        title: t("fields.requests"),
        dataIndex: "request_count",
        ...sortable("request_count"),
        render: (v: number) => v.toLocaleString("en-US"),
      },
      {
        title: t("fields.role"),
        dataIndex: "role",
        render: (role: number) => {
          const tag = roleTag(role);
          return <Tag color={tag.color}>{t(tag.label)}</Tag>;
        },
      },
      {
        title: t("fields.status"),
        dataIndex: "status",
        render: (value: number) => {
          const tag = STATUS_TAGS[value] ?? { color: "default", label: "status.unknown" };
          return <Tag color={tag.color}>{t(tag.label)}</Tag>;
        },
      },
      {
        title: t("fields.actions"),
        key: "actions",
        render: (_, user) => <UserActions user={user} onChanged={(patch) => updateRow(user.id, patch)} onDeleted={afterRemove} />,
      },
    ];
  }, [t, status, order, updateRow, afterRemove]);

  return (
    <ListFrame ns="users" addPath="/user/add" onRefresh={list.reload} onSearch={list.search}>
      <Table<User>
        rowKey="id"
        columns={columns}
        dataSource={list.rows}
        loading={list.loading}
        pagination={list.pagination}
        scroll={{ x: true }}
        size={phone ? "small" : "middle"}
        onChange={(_, __, sorter) => {
          const single = sorter as SorterResult<User>;
          list.setOrder(single.order ? String(single.columnKey ?? "") : "");
        }}
        locale={{
          emptyText: <ListEmpty ns="users" keyword={list.query.keyword} />,
        }}
      />
    </ListFrame>
  );
}
