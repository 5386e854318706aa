// Above the channel table: search, add, and the actions over every channel.
import {
  DeleteOutlined, DollarOutlined, ExperimentOutlined, PlusOutlined, ReloadOutlined, ThunderboltOutlined,
} from "@ant-design/icons";
import { App, Button, Flex, Input, Popconfirm, Space } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { channelApi } from "./channelApi";

interface Props {
  keyword: string;
  onSearch: (keyword: string) => void;
  onChanged: () => void;
}

export default function ChannelsToolbar({ keyword, onSearch, onChanged }: Props) {
  const { t } = useTranslation("channels");
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [busy, setBusy] = useState<string | null>(null);

  const run = async (name: string, work: () => Promise<string | undefined>, reload = false) => {
    setBusy(name);
    try {
      const text = await work();
      if (text) message.success(text);
      if (reload) onChanged();
    } catch (err) {
      message.error(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(null);
    }
  };
  const testAll = (scope: "all" | "disabled") =>
    run(`test-${scope}`, async () => (await channelApi.testAll(scope)) || t("toolbar.testStarted"));
  const updateBalances = () =>
    run("balances", async () => (await channelApi.refreshAllBalances()) || t("toolbar.balancesUpdated"), true);
  const deleteDisabled = () =>
    run("delete", async () => t("toolbar.deletedDisabled", { count: await channelApi.removeDisabled() }), true);

  return (
    <Flex gap={8} wrap justify="space-between" style={{ marginBottom: 16 }}>
      <Input.Search key={keyword} defaultValue={keyword} allowClear style={{ maxWidth: 360, flex: "1 1 240px" }}
        placeholder={t("toolbar.searchPlaceholder")} aria-label={t("toolbar.searchLabel")}
        enterButton={t("actions.search", { ns: "common" })} onSearch={(value) => onSearch(value.trim())} />
      <Space wrap size={8}>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate("/channel/add")}>
          {t("toolbar.add")}
        </Button>
        <Button icon={<ThunderboltOutlined />} loading={busy === "test-all"} onClick={() => testAll("all")}>
          {t("toolbar.testAll")}
        </Button>
        <Button icon={<ExperimentOutlined />} loading={busy === "test-disabled"} onClick={() => testAll("disabled")}>
          {t("toolbar.testDisabled")}
        </Button>
        <Button icon={<DollarOutlined />} loading={busy === "balances"} onClick={updateBalances}>
          {t("toolbar.updateBalances")}
        </Button>
        <Popconfirm title={t("toolbar.deleteDisabledTitle")} description={t("toolbar.deleteDisabledText")}
          okText={t("actions.delete", { ns: "common" })} okButtonProps={{ danger: true }}
          cancelText={t("actions.cancel", { ns: "common" })} onConfirm={deleteDisabled}>
          <Button danger icon={<DeleteOutlined />} loading={busy === "delete"}>{t("toolbar.deleteDisabled")}</Button>
        </Popconfirm>
        <Button icon={<ReloadOutlined />} onClick={onChanged}>{t("actions.refresh", { ns: "common" })}</Button>
      </Space>
    </Flex>
  );
}
