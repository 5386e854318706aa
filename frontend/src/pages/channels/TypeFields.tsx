// The fields a channel type asks for: its base URL (required when the type has no default) and
// whatever its config_schema describes. Nothing here names a provider.
import { Form, Input, InputNumber, Select, Switch } from "antd";
import { useTranslation } from "react-i18next";
import { configFields, needsBaseUrl, type ConfigField } from "./channelForm";
import type { ChannelTypeInfo } from "./types";

/** Form.Item hands its child id, value and onChange (checked for a switch); they go to the real control. */
type ControlProps = Record<string, unknown>;

function ConfigInput({ field, ...control }: { field: ConfigField } & ControlProps) {
  const placeholder = field.placeholder ?? field.defaultValue;
  switch (field.kind) {
    case "select":
      return <Select {...control} allowClear options={field.options?.map((value) => ({ value, label: value }))} placeholder={placeholder} />;
    case "switch":
      return <Switch {...control} />;
    case "number":
      return <InputNumber {...control} style={{ width: "100%" }} placeholder={placeholder} />;
    case "secret":
      return <Input.Password {...control} autoComplete="new-password" placeholder={placeholder} />;
    case "textarea":
      return <Input.TextArea {...control} autoSize={{ minRows: 2, maxRows: 8 }} placeholder={placeholder} />;
    default:
      return <Input {...control} placeholder={placeholder} />;
  }
}

export default function TypeFields({ type }: { type: ChannelTypeInfo | undefined }) {
  const { t } = useTranslation("channels");
  const required = needsBaseUrl(type);
  return (
    <>
      <Form.Item name="base_url" label={t("fields.baseUrl")}
        extra={required ? t("form.baseUrlRequiredHelp") : t("form.baseUrlHelp", { url: type?.default_base_url ?? "" })}
        rules={[
          { required, whitespace: true, message: t("form.baseUrlRequired") },
          { type: "url", message: t("form.baseUrlInvalid") },
          { pattern: /^\s*(https?:\/\/.*)?$/i, message: t("form.baseUrlInvalid") },
        ]}>
        <Input placeholder={type?.default_base_url || "https://"} inputMode="url" autoComplete="off" />
      </Form.Item>
      {configFields(type?.config_schema).map((field) => (
        <Form.Item key={field.key} name={["config", field.key]}
          label={t(`configFields.${field.key}`, { defaultValue: field.label })}
          valuePropName={field.kind === "switch" ? "checked" : "value"}
          extra={field.help ?? (field.defaultValue ? t("form.configDefault", { value: field.defaultValue }) : undefined)}
          rules={[{ required: field.required, message: t("form.fieldRequired") }]}>
          <ConfigInput field={field} />
        </Form.Item>
      ))}
    </>
  );
}
