// Small cells of the channel table: status, last test, balance, inline numbers and the test control.
import { DownOutlined } from "@ant-design/icons";
import { Button, Dropdown, InputNumber, Space, Tag, Tooltip } from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { formatTimestamp } from "../../lib/time";
import { splitList } from "./channelForm";
import { STATUS_AUTO_DISABLED, STATUS_ENABLED, STATUS_MANUALLY_DISABLED, type Channel } from "./types";

export function StatusTag({ status }: { status: number }) {
  const { t } = useTranslation("channels");
  const [color, key] =
    status === STATUS_ENABLED ? ["success", "enabled"]
    : status === STATUS_MANUALLY_DISABLED ? ["default", "manuallyDisabled"]
    : status === STATUS_AUTO_DISABLED ? ["error", "autoDisabled"]
    : ["warning", "unknown"];
  return (
    <Tooltip title={t(`status.${key}Tip`)}>
      <Tag color={color} tabIndex={0}>{t(`status.${key}`)}</Tag>
    </Tooltip>
  );
}

/** Green up to 1 s, then lime, orange past 3 s and red past 5 s, as One API colours them. */
export function speedColor(ms: number): string {
  if (ms <= 1000) return "green";
  if (ms <= 3000) return "lime";
  if (ms <= 5000) return "orange";
  return "red";
}

export function ResponseTime({ channel, failure }: { channel: Channel; failure?: string }) {
  const { t } = useTranslation("channels");
  const tested = channel.test_time ? t("list.testedAt", { time: formatTimestamp(channel.test_time) }) : "";
  if (failure) {
    return (
      <Tooltip title={failure}>
        <Tag color="error" tabIndex={0}>{t("list.testFailed")}</Tag>
      </Tooltip>
    );
  }
  if (!channel.response_time) {
    return (
      <Tooltip title={tested || t("list.neverTested")}>
        <Tag tabIndex={0}>{t("list.notTested")}</Tag>
      </Tooltip>
    );
  }
  return (
    <Tooltip title={tested}>
      <Tag color={speedColor(channel.response_time)} tabIndex={0}>
        {t("list.seconds", { value: (channel.response_time / 1000).toFixed(2) })}
      </Tag>
    </Tooltip>
  );
}

export function BalanceCell({ channel, onRefresh }: { channel: Channel; onRefresh: () => Promise<void> }) {
  const { t } = useTranslation("channels");
  const [busy, setBusy] = useState(false);
  const checked = channel.balance_updated_time > 0;
  const refresh = async () => {
    setBusy(true);
    await onRefresh().finally(() => setBusy(false));
  };
  return (
    <Tooltip title={checked ? t("list.balanceTip", { time: formatTimestamp(channel.balance_updated_time) }) : t("list.balanceNever")}>
      <Button size="small" type="link" loading={busy} onClick={refresh}
        aria-label={t("list.refreshBalanceOf", { name: channel.name })}>
        {checked ? channel.balance.toFixed(2) : t("list.checkBalance")}
      </Button>
    </Tooltip>
  );
}

interface InlineNumberProps {
  value: number;
  min?: number;
  label: string;
  onCommit: (value: number) => Promise<void>;
}

/** A number saved when the field loses focus or Enter is pressed, and only when it changed. */
export function InlineNumber({ value, min, label, onCommit }: InlineNumberProps) {
  const [draft, setDraft] = useState<number | null>(value);
  const [busy, setBusy] = useState(false);
  useEffect(() => setDraft(value), [value]);
  const commit = async () => {
    if (draft === null || draft === value || busy) {
      setDraft(value);
      return;
    }
    setBusy(true);
    try {
      await onCommit(Math.trunc(draft));
    } catch {
      setDraft(value);
    } finally {
      setBusy(false);
    }
  };
  return (
    <InputNumber size="small" style={{ width: 64 }} value={draft} min={min} precision={0} disabled={busy}
      aria-label={label} onChange={(next) => setDraft(typeof next === "number" ? next : null)}
      onBlur={commit} onPressEnter={commit} />
  );
}

/** "Test" uses the channel's default test model; the menu beside it tests one model of the channel's list. */
export function TestControl({ channel, onTest }: { channel: Channel; onTest: (model?: string) => Promise<void> }) {
  const { t } = useTranslation("channels");
  const [busy, setBusy] = useState(false);
  const models = splitList(channel.models);
  const run = async (model?: string) => {
    setBusy(true);
    await onTest(model).finally(() => setBusy(false));
  };
  return (
    <Space.Compact size="small">
      <Button size="small" loading={busy} onClick={() => run()}>{t("list.test")}</Button>
      <Dropdown trigger={["click"]} disabled={busy || !models.length}
        menu={{ items: models.map((name) => ({ key: name, label: name })), onClick: ({ key }) => run(key),
          style: { maxHeight: 320, overflowY: "auto" } }}>
        <Button size="small" icon={<DownOutlined />} aria-label={t("list.testModelOf", { name: channel.name })} />
      </Dropdown>
    </Space.Compact>
  );
}
