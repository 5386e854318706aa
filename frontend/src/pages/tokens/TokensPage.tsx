// /token: the signed-in user's API keys, with search, server paging and quota sorting.
import { Grid, Select, Table } from "antd";
import type { SorterResult } from "antd/es/table/interface";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { useSession } from "../../session";
import ListFrame, { ListEmpty } from "../../components/ListFrame";
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
  const list = usePagedList<Token>("/api/token/", "/api/token/search", { sortFound });
  const { updateRow, afterRemove } = list;
  const order = list.query.order;
  const phone = !Grid.useBreakpoint().md;

  const columns = useMemo(
    () => tokenColumns({ t, display: status, order, onChanged: updateRow, onDeleted: afterRemove }),
    [t, status, order, updateRow, afterRemove],
  );

  const empty = <ListEmpty ns="tokens" keyword={list.query.keyword} />;

  return (
    <ListFrame
      ns="tokens"
      addPath="/token/add"
      onRefresh={list.reload}
      onSearch={list.search}
      searchExtra={
        phone && (
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
        )
      }
    >
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
    </ListFrame>
  );
}
