// Root's options: loaded once from GET /api/option/, saved one field at a time with PUT /api/option/.
import { App } from "antd";
import { useCallback, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../../api/client";
import { useSession } from "../../session";
import { isSecret, toOptionMap, type OptionMap } from "./options";
import { errorText } from "../auth/errors";

export interface OptionStore {
  values: OptionMap;
  /** PUTs each pair in order, stopping at the first refusal (whose message is shown and returned). */
  save: (entries: [string, string][], quiet?: boolean) => Promise<SaveResult>;
}

export type SaveResult = { ok: true } | { ok: false; error: string };

export function useOptions(enabled: boolean) {
  const { t } = useTranslation("settings");
  const { message } = App.useApp();
  const { refreshStatus } = useSession();
  const [values, setValues] = useState<OptionMap | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    setError(null);
    try {
      setValues(toOptionMap(await api.get<{ key: string; value: string }[]>("/api/option/")));
    } catch (err) {
      setError(errorText(err, t));
    }
  }, [t]);

  useEffect(() => {
    if (enabled) void load();
  }, [enabled, load]);

  const save = useCallback(
    async (entries: [string, string][], quiet = false) => {
      if (entries.length === 0) {
        if (!quiet) message.info(t("noChanges"));
        return { ok: true } as SaveResult;
      }
      let saved = 0;
      try {
        for (const [key, value] of entries) {
          await api.put("/api/option/", { key, value });
          saved += 1;
          if (!isSecret(key)) setValues((current) => ({ ...current, [key]: value }));
        }
        if (!quiet) message.success(t("saved", { ns: "common" }));
        return { ok: true } as SaveResult;
      } catch (err) {
        const error = errorText(err, t);
        message.error(error);
        return { ok: false, error } as SaveResult;
      } finally {
        // The shell shows the system name, logo and footer from /api/status.
        if (saved > 0) void refreshStatus().catch(() => undefined);
      }
    },
    [message, refreshStatus, t],
  );

  const store: OptionStore | null = values ? { values, save } : null;
  return { store, error, reload: load };
}
