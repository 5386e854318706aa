// /log: usage and management logs, filtered and paged on the server. Admins see everyone's
// (/api/log/), users their own (/api/log/self); the spend statistic comes from the matching /stat.
import { App, Badge, Card, Collapse, Flex, Grid, Statistic, Tooltip, Typography } from "antd";
import { useCallback, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../../api/client";
import { formatQuota } from "../../lib/quota";
import { useSession } from "../../session";
import LogFilters from "./LogFilters";
import { filterQuery, listPath, statPath, type LogFilter, type LogRow } from "./logQuery";
import LogTable from "./LogTable";
import { errorText } from "../auth/errors";

interface Paging {
  page: number; // 1-based, as the table shows it; the API's p is page - 1
  pageSize: number;
}

export default function LogsPage() {
  const { t } = useTranslation("logs");
  const { message } = App.useApp();
  const { isAdmin, status } = useSession();
  const [filter, setFilter] = useState<LogFilter>({});
  const [paging, setPaging] = useState<Paging>({ page: 1, pageSize: 10 });
  const [rows, setRows] = useState<LogRow[]>([]);
  const [total, setTotal] = useState(0);
  const [spent, setSpent] = useState<number | null>(null);
  const [loading, setLoading] = useState(false);
  const latest = useRef(0);
  const phone = !Grid.useBreakpoint().md;

  const load = useCallback(async () => {
    const call = ++latest.current; // answers to superseded searches are dropped
    setLoading(true);
    const query = filterQuery(filter, isAdmin);
    try {
      const [page, stat] = await Promise.all([
        api.page<LogRow>(listPath(isAdmin), { ...query, p: paging.page - 1, page_size: paging.pageSize }),
        api.get<{ quota: number }>(statPath(isAdmin), query),
      ]);
      if (call !== latest.current) return;
      setRows(page.rows);
      setTotal(page.total);
      setSpent(stat?.quota ?? 0);
    } catch (err) {
      if (call === latest.current) message.error(errorText(err, t));
    } finally {
      if (call === latest.current) setLoading(false);
    }
  }, [filter, isAdmin, paging, message]);

  useEffect(() => {
    void load();
  }, [load]);

  const filters = (
    <LogFilters
      isAdmin={isAdmin}
      loading={loading}
      onSearch={(next) => {
        setFilter(next);
        setPaging((current) => ({ ...current, page: 1 }));
      }}
      onRefresh={() => void load()}
    />
  );

  return (
    <Flex vertical gap={16}>
      <Flex justify="space-between" align="center" wrap gap={12}>
        <div>
          <Typography.Title level={3} style={{ margin: 0 }}>{t("title")}</Typography.Title>
          <Typography.Text type="secondary">{isAdmin ? t("subtitleAdmin") : t("subtitle")}</Typography.Text>
        </div>
        <Card size="small" styles={{ body: { padding: "8px 16px" } }}>
          <Tooltip title={t("spentHint")}>
            <Statistic title={t("spent")} value={spent === null ? "—" : formatQuota(spent, status)} loading={loading && spent === null} />
          </Tooltip>
        </Card>
      </Flex>
      {phone ? (
        <Collapse
          items={[{
            key: "filters",
            label: (
              <Flex gap={8} align="center">
                {t("filtersTitle")}
                <Badge count={Object.keys(filterQuery(filter, isAdmin)).length} color="#3b5bdb" />
              </Flex>
            ),
            children: filters,
          }]}
          style={{ background: "#fff" }}
        />
      ) : (
        <Card size="small">{filters}</Card>
      )}
      <Card size="small" styles={{ body: { padding: 0 } }}>
        <LogTable
          isAdmin={isAdmin}
          rows={rows}
          loading={loading}
          pagination={{ current: paging.page, pageSize: paging.pageSize, total }}
          onPage={(page, pageSize) => setPaging({ page: pageSize === paging.pageSize ? page : 1, pageSize })}
        />
      </Card>
    </Flex>
  );
}
