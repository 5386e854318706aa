// Deleting the logs older than a chosen moment (DELETE /api/log/?target_timestamp=), after a confirmation.
import { App, Button, Card, Flex, DatePicker, Popconfirm, Typography } from "antd";
import type { Dayjs } from "dayjs";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../../api/client";
import { errorText } from "../auth/errors";

export default function ClearLogs() {
  const { t } = useTranslation("settings");
  const { message } = App.useApp();
  const [before, setBefore] = useState<Dayjs | null>(null);
  const [busy, setBusy] = useState(false);

  const clear = async () => {
    if (!before) return;
    setBusy(true);
    try {
      const count = await api.delete<number>(`/api/log/?target_timestamp=${before.unix()}`);
      message.success(t("clearLogs.done", { count: count ?? 0 }));
    } catch (err) {
      message.error(errorText(err, t));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card size="small" title={t("clearLogs.title")}>
      <Typography.Paragraph type="secondary">{t("clearLogs.description")}</Typography.Paragraph>
      <Flex gap={8} wrap>
        <DatePicker showTime value={before} onChange={setBefore} aria-label={t("clearLogs.before")} placeholder={t("clearLogs.before")} style={{ minWidth: 220 }} />
        <Popconfirm
          title={t("clearLogs.confirm", { time: before?.format("YYYY-MM-DD HH:mm:ss") ?? "" })}
          okText={t("actions.delete", { ns: "common" })}
          okButtonProps={{ danger: true }}
          cancelText={t("actions.cancel", { ns: "common" })}
          onConfirm={clear}
          disabled={!before}
        >
          <Button danger disabled={!before} loading={busy}>{t("clearLogs.button")}</Button>
        </Popconfirm>
      </Flex>
    </Card>
  );
}
