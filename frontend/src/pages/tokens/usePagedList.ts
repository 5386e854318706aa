// A server-paged, searchable, sortable list for the admin tables (keys, codes, users).
// Browsing pages on the server (`p` 0-based, `page_size`, `order`); a search asks the search route,
// which returns every match, and the table then pages and sorts those rows itself.
import { App, type TablePaginationConfig } from "antd";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../../api/client";
import { errorText } from "./feedback";

interface Query {
  page: number;
  pageSize: number;
  keyword: string;
  order: string;
}

interface Options<T> {
  /** Orders search results the way the server orders a page for `order` (search replies are unsorted). */
  sortFound?: (rows: T[], order: string) => T[];
}

/** Descending by a numeric field, the server's only direction. */
export function sortDescending<T>(rows: T[], field: string): T[] {
  const value = (row: T) => Number((row as Record<string, unknown>)[field] ?? 0);
  return field ? [...rows].sort((a, b) => value(b) - value(a)) : rows;
}

export function usePagedList<T extends { id: number }>(listPath: string, searchPath: string, options: Options<T> = {}) {
  const { message } = App.useApp();
  const { t } = useTranslation("tokens");
  const [rows, setRows] = useState<T[]>([]);
  const [total, setTotal] = useState(0);
  const [loading, setLoading] = useState(true);
  const [query, setQuery] = useState<Query>({ page: 0, pageSize: 10, keyword: "", order: "" });
  const [version, setVersion] = useState(0);
  const sortFound = useRef(options.sortFound ?? sortDescending);
  const queryRef = useRef(query);
  queryRef.current = query;

  // Paging through search results happens in the table, so it must not fetch again.
  const fetchKey = query.keyword
    ? JSON.stringify(["search", query.keyword, query.order, version])
    : JSON.stringify(["list", query.page, query.pageSize, query.order, version]);

  useEffect(() => {
    let cancelled = false;
    const { keyword, page, pageSize, order } = queryRef.current;
    setLoading(true);
    const load = keyword
      ? api.get<T[]>(searchPath, { keyword }).then((found) => {
          const sorted = sortFound.current(found ?? [], order);
          return { rows: sorted, total: sorted.length };
        })
      : api.page<T>(listPath, { p: page, page_size: pageSize, order });
    load
      .then((result) => {
        if (cancelled) return;
        setRows(result.rows);
        setTotal(result.total);
      })
      .catch((err: unknown) => {
        if (!cancelled) message.error(errorText(err));
      })
      .finally(() => {
        if (!cancelled) setLoading(false);
      });
    return () => {
      cancelled = true;
    };
  }, [fetchKey, listPath, searchPath, message]);

  const reload = useCallback(() => setVersion((v) => v + 1), []);
  const search = useCallback((keyword: string) => {
    setQuery((q) => ({ ...q, keyword: keyword.trim(), page: 0 }));
    setVersion((v) => v + 1);
  }, []);
  const setOrder = useCallback((order: string) => setQuery((q) => (q.order === order ? q : { ...q, order, page: 0 })), []);
  const updateRow = useCallback((id: number, patch: Partial<T>) => {
    setRows((current) => current.map((row) => (row.id === id ? { ...row, ...patch } : row)));
  }, []);
  /** After a delete: step back a page when the last row of a page went, else fetch the page again. */
  const afterRemove = useCallback(() => {
    setQuery((q) => (!q.keyword && q.page > 0 && rows.length === 1 ? { ...q, page: q.page - 1 } : q));
    setVersion((v) => v + 1);
  }, [rows.length]);

  const pagination = useMemo<TablePaginationConfig>(
    () => ({
      current: query.page + 1,
      pageSize: query.pageSize,
      total,
      showSizeChanger: true,
      pageSizeOptions: [10, 20, 50, 100],
      showTotal: (count: number) => t("shared.total", { count }),
      onChange: (page: number, pageSize: number) =>
        setQuery((q) => ({ ...q, page: pageSize === q.pageSize ? page - 1 : 0, pageSize })),
    }),
    [query.page, query.pageSize, total, t],
  );

  return { rows, total, loading, query, pagination, reload, search, setOrder, updateRow, afterRemove };
}
