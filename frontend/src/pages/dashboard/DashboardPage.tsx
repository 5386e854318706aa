// /dashboard: the signed-in user's balance and the last 7 UTC days of usage from /api/user/dashboard.
import { ReloadOutlined } from "@ant-design/icons";
import { App, Button, Card, Empty, Flex, Skeleton, Space, Typography } from "antd";
import { useCallback, useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { api } from "../../api/client";
import { useSession } from "../../session";
import ModelUsageChart from "./ModelUsageChart";
import { dailySeries, todayTotals, utcDay, windowDays, type DashboardRow } from "./series";
import StatCards from "./StatCards";
import TrendCharts from "./TrendCharts";
import { errorText } from "../auth/errors";

export default function DashboardPage() {
  const { t } = useTranslation("dashboard");
  const { message } = App.useApp();
  const { user, refreshUser } = useSession();
  const [rows, setRows] = useState<DashboardRow[] | null>(null);
  const [loading, setLoading] = useState(false);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      const [data] = await Promise.all([api.get<DashboardRow[] | null>("/api/user/dashboard"), refreshUser()]);
      setRows(data ?? []);
    } catch (err) {
      message.error(errorText(err, t));
      setRows((current) => current ?? []);
    } finally {
      setLoading(false);
    }
  }, [message, refreshUser]);

  useEffect(() => {
    void load();
  }, [load]);

  const today = utcDay(new Date());
  const days = useMemo(() => windowDays(rows ?? [], today), [rows, today]);
  const points = useMemo(() => dailySeries(rows ?? [], days), [rows, days]);
  const todays = useMemo(() => todayTotals(rows ?? [], today), [rows, today]);

  return (
    <Flex vertical gap={16}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <div>
          <Typography.Title level={3} style={{ margin: 0 }}>{t("title")}</Typography.Title>
          <Typography.Text type="secondary">{t("subtitle")}</Typography.Text>
        </div>
        <Button icon={<ReloadOutlined />} onClick={() => void load()} loading={loading}>
          {t("actions.refresh", { ns: "common" })}
        </Button>
      </Flex>
      <StatCards user={user} today={todays} />
      {rows === null ? (
        <Card><Skeleton active paragraph={{ rows: 6 }} /></Card>
      ) : rows.length === 0 ? (
        <Card>
          <Empty description={t("empty")}>
            <Space wrap>
              <Link to="/token"><Button type="primary">{t("createKey")}</Button></Link>
              <Link to="/log"><Button>{t("viewLogs")}</Button></Link>
            </Space>
          </Empty>
        </Card>
      ) : (
        <>
          <TrendCharts points={points} />
          <ModelUsageChart rows={rows} days={days} />
        </>
      )}
    </Flex>
  );
}
