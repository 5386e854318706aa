// /token: the signed-in user's API keys, with search, server paging and quota sorting.
import { PlusOutlined, ReloadOutlined } from "@ant-design/icons";
import { Button, Card, Empty, Flex, Grid, Input, Select, Table } from "antd";
import type { SorterResult } from "antd/es/table/interface";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { useSession } from "../../session";
import PageHeader from "./PageHeader";
import TokenCards from "./TokenCards";
import { tokenColumns } from "./tokenColumns";
import type { Token } from "./types";
import { sortDescending, usePagedList } from "./usePagedList";

/** Search replies are unsorted; order them as the server orders a page (unlimited keys lead by remaining). */
function sortFound(rows: Token[], order: string): Token[] {
  if (order !== "remain_quota") return sortDescending(rows, order);
  return [...rows].sort((a, b) => Number(b.unlimited_quota) - Number(a.unlimited_quota) || b.remain_quota - a.remain_quota);
}

export default function TokensPage() {
  const { t } = useTranslation("tokens");
  const { status } = useSession();
  const navigate = useNavigate();
  const list = usePagedList<Token>("/api/token/", "/api/token/search", { sortFound });
  const { updateRow, afterRemove } = list;
  const order = list.query.order;
  const phone = !Grid.useBreakpoint().md;

  const columns = useMemo(
    () => tokenColumns({ t, display: status, order, onChanged: updateRow, onDeleted: afterRemove }),
    [t, status, order, updateRow, afterRemove],
  );

  const addButton = (
    <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate("/token/add")}>
      {t("list.add")}
    </Button>
  );

  const empty = (
    <Empty
      image={Empty.PRESENTED_IMAGE_SIMPLE}
      description={list.query.keyword ? t("list.noMatch", { keyword: list.query.keyword }) : t("list.empty")}
    />
  );

  return (
    <>
      <PageHeader
        title={t("list.title")}
        extra={
          <>
            <Button icon={<ReloadOutlined />} onClick={list.reload}>
              {t("actions.refresh", { ns: "common" })}
            </Button>
            {addButton}
          </>
        }
      />
      <Card styles={{ body: phone ? { padding: 12 } : undefined }}>
        <Flex wrap gap={8} style={{ marginBottom: 16 }}>
          <Input.Search
            placeholder={t("list.searchPlaceholder")}
            aria-label={t("list.searchLabel")}
            enterButton={t("actions.search", { ns: "common" })}
            allowClear
            onSearch={list.search}
            style={{ maxWidth: 420 }}
          />
          {phone && (
            <Select
              aria-label={t("list.sortLabel")}
              value={order}
              onChange={list.setOrder}
              style={{ minWidth: 180 }}
              options={[
                { value: "", label: t("list.sortNewest") },
                { value: "remain_quota", label: t("list.sortRemaining") },
                { value: "used_quota", label: t("list.sortUsed") },
              ]}
            />
          )}
        </Flex>
        {phone ? (
          <TokenCards
            rows={list.rows}
            loading={list.loading}
            pagination={list.pagination}
            empty={empty}
            onChanged={updateRow}
            onDeleted={afterRemove}
          />
        ) : (
          <Table<Token>
            rowKey="id"
            columns={columns}
            dataSource={list.rows}
            loading={list.loading}
            pagination={list.pagination}
            scroll={{ x: true }}
            onChange={(_, __, sorter) => {
              const single = sorter as SorterResult<Token>;
              list.setOrder(single.order ? String(single.columnKey ?? "") : "");
            }}
            locale={{ emptyText: empty }}
          />
        )}
      </Card>
    </>
  );
}
