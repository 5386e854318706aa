// Enable/disable and delete for one row of a list whose API takes PUT <base>?status_only=true and
// DELETE <base><id> (API keys, redemption codes); messages come from the page's namespace.
import { App } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../../api/client";
import { errorText } from "./feedback";

interface Options<Row> {
  ns: string;
  base: string; // e.g. "/api/token/"
  id: number;
  enabledStatus: number;
  onChanged: (patch: Partial<Row>) => void;
  onDeleted: () => void;
}

export function useRowActions<Row extends { status: number }>({ ns, base, id, enabledStatus, onChanged, onDeleted }: Options<Row>) {
  const { t } = useTranslation(ns);
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);

  const setStatus = async (next: number) => {
    setBusy(true);
    try {
      const saved = await api.put<Row>(`${base}?status_only=true`, { id, status: next });
      onChanged({ status: saved?.status ?? next } as Partial<Row>);
      message.success(next === enabledStatus ? t("list.enabled") : t("list.disabled"));
    } catch (err) {
      message.error(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    try {
      await api.delete(`${base}${id}`);
      message.success(t("list.deleted"));
      onDeleted();
    } catch (err) {
      message.error(errorText(err));
    }
  };

  return { busy, setStatus, remove };
}
