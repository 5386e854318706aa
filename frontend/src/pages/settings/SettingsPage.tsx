// /setting: Personal for everyone; Operation, System and Other for root, from GET /api/option/.
import { Alert, Button, Flex, Spin, Tabs, Typography } from "antd";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { useSearchParams } from "react-router";
import { useSession } from "../../session";
import OperationTab from "./OperationTab";
import OtherTab from "./OtherTab";
import PersonalTab from "./PersonalTab";
import SystemTab from "./SystemTab";
import { useOptions, type OptionStore } from "./useOptions";

const ROOT_TABS = ["operation", "system", "other"] as const;

export default function SettingsPage() {
  const { t } = useTranslation("settings");
  const { isRoot } = useSession();
  const [params, setParams] = useSearchParams();
  const { store, error, reload } = useOptions(isRoot);
  const requested = params.get("tab") ?? "personal";
  const active = isRoot && (ROOT_TABS as readonly string[]).includes(requested) ? requested : "personal";

  const rootTab = (render: (store: OptionStore) => ReactNode) => {
    if (error) {
      return (
        <Alert
          type="error"
          showIcon
          title={error}
          action={<Button onClick={() => void reload()}>{t("actions.refresh", { ns: "common" })}</Button>}
        />
      );
    }
    return store ? render(store) : <Spin size="large" style={{ display: "block", margin: "10vh auto" }} />;
  };

  const items = [
    { key: "personal", label: t("tabs.personal"), children: <PersonalTab /> },
    ...(isRoot
      ? [
          { key: "operation", label: t("tabs.operation"), children: rootTab((s) => <OperationTab store={s} />) },
          { key: "system", label: t("tabs.system"), children: rootTab((s) => <SystemTab store={s} />) },
          { key: "other", label: t("tabs.other"), children: rootTab((s) => <OtherTab store={s} />) },
        ]
      : []),
  ];

  return (
    <Flex vertical gap={8}>
      <Typography.Title level={3} style={{ margin: 0 }}>{t("title")}</Typography.Title>
      <Tabs
        activeKey={active}
        items={items}
        onChange={(key) => setParams(key === "personal" ? {} : { tab: key }, { replace: true })}
      />
    </Flex>
  );
}
