// /channel: every upstream account, with tests, balances, priorities and bulk actions.
import { App, Empty, Grid, Table, Typography } from "antd";
import { useCallback, useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useSearchParams } from "react-router";
import { nowSeconds } from "../../lib/time";
import { useSession } from "../../session";
import { channelApi } from "./channelApi";
import ChannelCards from "./ChannelCards";
import { channelColumns, type ChannelActions, type ChannelViewContext } from "./channelColumns";
import ChannelsToolbar from "./ChannelsToolbar";
import type { Channel } from "./types";
import { useChannelTypes } from "./useChannelTypes";

const PAGE_SIZES = [10, 20, 50, 100];

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

export default function ChannelsPage() {
  const { t } = useTranslation("channels");
  const { message } = App.useApp();
  const { status } = useSession();
  const navigate = useNavigate();
  const { byId: types } = useChannelTypes();
  const [params, setParams] = useSearchParams();
  const keyword = params.get("keyword") ?? "";
  const page = Math.max(1, Number(params.get("page")) || 1);
  const pageSize = PAGE_SIZES.includes(Number(params.get("size"))) ? Number(params.get("size")) : 10;
  const [rows, setRows] = useState<Channel[]>([]);
  const [total, setTotal] = useState(0);
  const [loading, setLoading] = useState(true);
  const [failures, setFailures] = useState<Record<number, string>>({});
  const screens = Grid.useBreakpoint();
  const phone = screens.md === false;

  const setView = useCallback(
    (next: { page?: number; size?: number; keyword?: string }) => {
      const query: Record<string, string> = {};
      const word = next.keyword ?? keyword;
      if (word) query.keyword = word;
      if ((next.page ?? page) > 1) query.page = String(next.page ?? page);
      if ((next.size ?? pageSize) !== 10) query.size = String(next.size ?? pageSize);
      setParams(query, { replace: true });
    },
    [keyword, page, pageSize, setParams],
  );

  const load = useCallback(async () => {
    setLoading(true);
    try {
      if (keyword) {
        const found = await channelApi.search(keyword);
        setRows(found);
        setTotal(found.length);
      } else {
        const result = await channelApi.list(page - 1, pageSize);
        setRows(result.rows);
        setTotal(result.total);
      }
    } catch (err) {
      message.error(errorText(err));
    } finally {
      setLoading(false);
    }
  }, [keyword, page, pageSize, message]);

  useEffect(() => {
    void load();
  }, [load]);

  const patch = useCallback((id: number, change: Partial<Channel>) => {
    setRows((current) => current.map((row) => (row.id === id ? { ...row, ...change } : row)));
  }, []);

  const actions = useMemo<ChannelActions>(() => {
    const guarded = async (work: () => Promise<void>) => {
      try {
        await work();
      } catch (err) {
        message.error(errorText(err));
        throw err;
      }
    };
    return {
      test: (channel, model) => guarded(async () => {
        const outcome = await channelApi.test(channel.id, model);
        patch(channel.id, { response_time: outcome.ok ? Math.round(outcome.seconds * 1000) : 0, test_time: nowSeconds() });
        setFailures(({ [channel.id]: _, ...rest }) => (outcome.ok ? rest : { ...rest, [channel.id]: outcome.message }));
        const seconds = outcome.seconds.toFixed(2);
        if (outcome.ok && model) message.success(t("list.testPassedModel", { name: channel.name, model, seconds }));
        else if (outcome.ok) message.success(t("list.testPassed", { name: channel.name, seconds }));
        else message.error(t("list.testFailedMessage", { name: channel.name, error: outcome.message }));
      }).catch(() => undefined),
      refreshBalance: (channel) => guarded(async () => {
        const balance = await channelApi.refreshBalance(channel.id);
        patch(channel.id, { balance, balance_updated_time: nowSeconds() });
        message.success(t("list.balanceUpdated", { name: channel.name, balance: balance.toFixed(2) }));
      }).catch(() => undefined),
      setStatus: (channel, next) => guarded(async () => {
        patch(channel.id, await channelApi.update({ id: channel.id, status: next }));
        message.success(t("saved", { ns: "common" }));
      }).catch(() => undefined),
      setNumber: (channel, field, value) => guarded(async () => {
        patch(channel.id, await channelApi.update({ id: channel.id, [field]: value }));
        message.success(t("saved", { ns: "common" }));
      }),
      remove: (channel) => guarded(async () => {
        await channelApi.remove(channel.id);
        message.success(t("list.deleted", { name: channel.name }));
        if (rows.length === 1 && page > 1 && !keyword) setView({ page: page - 1 });
        else await load();
      }).catch(() => undefined),
      edit: (channel) => navigate(`/channel/edit/${channel.id}`),
    };
  }, [message, patch, t, rows.length, page, keyword, setView, load, navigate]);

  const view = useMemo<ChannelViewContext>(
    () => ({ t, types, quotaDisplay: status, failures, actions }),
    [t, types, status, failures, actions],
  );
  const columns = useMemo(() => channelColumns(view, !!screens.lg), [view, screens.lg]);
  const emptyText = keyword ? t("list.noMatch", { keyword }) : t("list.empty");
  const onPage = (next: number, size: number) => setView({ page: size !== pageSize ? 1 : next, size });

  return (
    <>
      <div style={{ marginBottom: 16 }}>
        <Typography.Title level={3} style={{ margin: 0 }}>{t("list.title")}</Typography.Title>
        <Typography.Text type="secondary">{t("list.intro")}</Typography.Text>
      </div>
      <ChannelsToolbar keyword={keyword} onSearch={(word) => setView({ keyword: word, page: 1 })} onChanged={load} />
      {phone ? (
        <ChannelCards {...view} rows={rows} total={total} page={page} pageSize={pageSize} loading={loading}
          emptyText={emptyText} onPage={onPage} />
      ) : (
        <Table<Channel>
          rowKey="id" size="middle" columns={columns} dataSource={rows} loading={loading} scroll={{ x: "max-content" }}
          showSorterTooltip={false} locale={{ emptyText: <Empty description={emptyText} /> }}
          pagination={total === 0 ? false : {
            current: page, pageSize, total, showSizeChanger: true, pageSizeOptions: PAGE_SIZES,
            showTotal: (count) => t("list.total", { count }), onChange: onPage,
          }}
        />
      )}
    </>
  );
}
