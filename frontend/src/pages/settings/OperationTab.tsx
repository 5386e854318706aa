// Operation settings (root): quotas, display and retries, channel monitoring, logs, and price ratios.
import { Col, Row } from "antd";
import { useTranslation } from "react-i18next";
import ClearLogs from "./ClearLogs";
import OptionSection, { type FieldSpec } from "./OptionSection";
import RatioEditor from "./RatioEditor";
import type { OptionStore } from "./useOptions";

const SECTIONS: { id: string; fields: FieldSpec[]; switches?: string[] }[] = [
  {
    id: "quota",
    fields: ["QuotaForNewUser", "QuotaForInviter", "QuotaForInvitee", "PreConsumedQuota", "QuotaRemindThreshold"]
      .map((key) => ({ key, kind: "quota" })),
  },
  {
    id: "general",
    fields: [
      { key: "TopUpLink", kind: "url" }, { key: "ChatLink", kind: "url" },
      { key: "QuotaPerUnit", kind: "decimal", min: 0 }, { key: "RetryTimes", kind: "whole" },
    ],
    switches: ["DisplayInCurrencyEnabled", "DisplayTokenStatEnabled", "ApproximateTokenEnabled"],
  },
  {
    id: "monitoring",
    fields: [{ key: "ChannelDisableThreshold", kind: "decimal" }],
    switches: ["AutomaticDisableChannelEnabled", "AutomaticEnableChannelEnabled"],
  },
  { id: "logs", fields: [{ key: "LogRetentionDays", kind: "whole", max: 36500 }], switches: ["LogConsumeEnabled"] },
];

export default function OperationTab({ store }: { store: OptionStore }) {
  const { t } = useTranslation("settings");
  return (
    <Row gutter={[16, 16]}>
      {SECTIONS.map((section) => (
        <Col key={section.id} xs={24} xl={12}>
          <OptionSection
            title={t(`sections.${section.id}.title`)}
            description={t(`sections.${section.id}.description`, { defaultValue: "" }) || undefined}
            store={store}
            fields={section.fields}
            switches={section.switches}
            saveLabel={t("saveSection", { section: t(`sections.${section.id}.title`) })}
          />
        </Col>
      ))}
      <Col xs={24} xl={12}><ClearLogs /></Col>
      {["ModelRatio", "CompletionRatio", "GroupRatio"].map((key) => (
        <Col key={key} xs={24} xl={key === "ModelRatio" ? 24 : 12}>
          <RatioEditor optionKey={key} store={store} />
        </Col>
      ))}
    </Row>
  );
}
