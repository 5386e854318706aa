// The models a channel serves: a multi-select over every known model plus quick fills and custom names.
import { App, Button, Flex, Input, Select, Space } from "antd";
import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { copyText } from "../../lib/clipboard";
import { channelApi } from "./channelApi";
import { splitList } from "./channelForm";

interface Props {
  id?: string;
  value?: string[];
  onChange?: (value: string[]) => void;
  /** The chosen type's built-in models. */
  typeModels: string[];
}

let allModelsCache: Promise<string[]> | null = null;

export default function ModelsField({ id, value = [], onChange, typeModels }: Props) {
  const { t } = useTranslation("channels");
  const { message } = App.useApp();
  const [allModels, setAllModels] = useState<string[]>([]);
  const [custom, setCustom] = useState("");

  useEffect(() => {
    let live = true;
    allModelsCache ??= channelApi.allModels().catch((err: unknown) => {
      allModelsCache = null;
      throw err;
    });
    allModelsCache.then((models) => live && setAllModels(models)).catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);

  const options = useMemo(
    () => [...new Set([...value, ...typeModels, ...allModels])].map((name) => ({ value: name, label: name })),
    [value, typeModels, allModels],
  );
  const set = (models: string[]) => onChange?.([...new Set(models)]);
  const addCustom = () => {
    const names = splitList(custom);
    if (!names.length) return;
    set([...value, ...names]);
    setCustom("");
  };
  const copy = async () => {
    if (await copyText(value.join(","))) message.success(t("actions.copied", { ns: "common" }));
  };

  return (
    <Flex vertical gap={8}>
      <Select id={id} mode="multiple" allowClear showSearch value={value} onChange={set} options={options}
        placeholder={t("models.placeholder")} style={{ width: "100%" }} />
      <Space wrap size={8}>
        <Button size="small" disabled={!typeModels.length} onClick={() => set([...value, ...typeModels])}>
          {t("models.fillType")}
        </Button>
        <Button size="small" disabled={!allModels.length} onClick={() => set([...value, ...allModels])}>
          {t("models.fillAll")}
        </Button>
        <Button size="small" disabled={!value.length} onClick={() => set([])}>{t("models.clear")}</Button>
        <Button size="small" disabled={!value.length} onClick={copy}>{t("models.copy")}</Button>
      </Space>
      <Space.Compact style={{ width: "100%", maxWidth: 520 }}>
        <Input value={custom} onChange={(event) => setCustom(event.target.value)} onPressEnter={(event) => {
          event.preventDefault();
          addCustom();
        }} placeholder={t("models.customPlaceholder")} aria-label={t("models.customLabel")} />
        <Button onClick={addCustom} disabled={!custom.trim()}>{t("models.addCustom")}</Button>
      </Space.Compact>
    </Flex>
  );
}
