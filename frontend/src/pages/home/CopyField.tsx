// A read-only value with a Copy button beside it (base URL, example command).
import { CopyOutlined } from "@ant-design/icons";
import { App, Button, Input, Space } from "antd";
import { useTranslation } from "react-i18next";
import { copyWithFeedback } from "./apiExample";

interface Props {
  value: string;
  label: string;
  size?: "middle" | "large";
}

export default function CopyField({ value, label, size = "middle" }: Props) {
  const { t } = useTranslation("home");
  const { message } = App.useApp();
  const copy = () =>
    void copyWithFeedback(value, (ok) =>
      ok ? message.success(t("actions.copied", { ns: "common" })) : message.error(t("copyFailed")),
    );
  return (
    <Space.Compact style={{ width: "100%" }} size={size}>
      <Input
        readOnly
        value={value}
        aria-label={label}
        onFocus={(e) => e.target.select()}
        style={{ fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace" }}
      />
      <Button type="primary" icon={<CopyOutlined />} onClick={copy} aria-label={t("copyLabel", { what: label })}>
        {t("actions.copy", { ns: "common" })}
      </Button>
    </Space.Compact>
  );
}
