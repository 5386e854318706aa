// On/off options: each switch saves itself at once (PUT "true"/"false") and flips back if refused.
import { Flex, Switch, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { OptionStore } from "./useOptions";

function OptionSwitch({ optionKey, store }: { optionKey: string; store: OptionStore }) {
  const { t } = useTranslation("settings");
  const [busy, setBusy] = useState(false);
  const id = `option-${optionKey}`;
  const hint = t(`fields.${optionKey}.hint`, { defaultValue: "" });
  return (
    <Flex gap={12} align="flex-start">
      <Switch
        id={id}
        size="small"
        style={{ marginTop: 3 }}
        checked={store.values[optionKey] === "true"}
        loading={busy}
        onChange={async (checked) => {
          setBusy(true);
          await store.save([[optionKey, String(checked)]]);
          setBusy(false);
        }}
      />
      <div>
        <label htmlFor={id} style={{ cursor: "pointer" }}>{t(`fields.${optionKey}.label`)}</label>
        {hint && <div><Typography.Text type="secondary" style={{ fontSize: 12 }}>{hint}</Typography.Text></div>}
      </div>
    </Flex>
  );
}

export default function OptionSwitches({ keys, store }: { keys: string[]; store: OptionStore }) {
  return (
    <Flex vertical gap={12} style={{ marginBottom: 16 }}>
      {keys.map((key) => <OptionSwitch key={key} optionKey={key} store={store} />)}
    </Flex>
  );
}
