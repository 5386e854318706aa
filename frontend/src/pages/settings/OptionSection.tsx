// A card of related options with one Save button; only changed fields (and typed-in secrets) are sent.
import { Button, Card, Form, Input, InputNumber, Select, Typography } from "antd";
import { useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { quotaToDollars } from "../../lib/quota";
import { changedEntries, type OptionMap } from "./options";
import OptionSwitches from "./OptionSwitches";
import type { OptionStore } from "./useOptions";

export type FieldKind = "text" | "url" | "secret" | "whole" | "decimal" | "quota" | "tags" | "textarea";

export interface FieldSpec {
  key: string;
  kind?: FieldKind;
  min?: number;
  max?: number;
}

function initialValue(kind: FieldKind, stored: string | undefined): unknown {
  if (kind === "secret") return "";
  if (kind === "whole" || kind === "decimal" || kind === "quota") return stored === undefined || stored === "" ? null : Number(stored);
  if (kind === "tags") return (stored ?? "").split(",").map((item) => item.trim()).filter(Boolean);
  return stored ?? "";
}

function QuotaInput({ id, value, onChange, perUnit }: { id?: string; value?: number | null; onChange?: (v: number | null) => void; perUnit: number }) {
  return (
    <InputNumber<number>
      id={id}
      value={value}
      onChange={onChange}
      min={0}
      precision={0}
      style={{ width: "100%" }}
      suffix={value ? <Typography.Text type="secondary">≈ ${quotaToDollars(value, { quota_per_unit: perUnit }).toFixed(4).replace(/\.?0+$/, "")}</Typography.Text> : undefined}
    />
  );
}

/** Form.Item hands its id, value and onChange to its direct child; this passes them on to the control. */
function FieldInput({ spec, values, ...control }: { spec: FieldSpec; values: OptionMap } & Record<string, unknown>) {
  const { t } = useTranslation("settings");
  switch (spec.kind ?? "text") {
    case "secret":
      return <Input.Password {...control} autoComplete="new-password" placeholder={t("secretPlaceholder")} />;
    case "whole":
      return <InputNumber {...control} min={spec.min ?? 0} max={spec.max} precision={0} style={{ width: "100%" }} />;
    case "decimal":
      return <InputNumber {...control} min={spec.min ?? 0} max={spec.max} style={{ width: "100%" }} />;
    case "quota":
      return <QuotaInput {...control} perUnit={Number(values.QuotaPerUnit) || 500000} />;
    case "tags":
      return <Select {...control} mode="tags" tokenSeparators={[",", " "]} open={false} suffixIcon={null} />;
    case "textarea":
      return <Input.TextArea {...control} autoSize={{ minRows: 3, maxRows: 12 }} />;
    case "url":
      return <Input {...control} inputMode="url" autoComplete="off" placeholder="https://" />;
    default:
      return <Input {...control} autoComplete="off" />;
  }
}

interface Props {
  title: string;
  store: OptionStore;
  fields: FieldSpec[];
  switches?: string[];
  description?: ReactNode;
  /** The Save button's accessible name, e.g. "Save SMTP settings". */
  saveLabel: string;
}

export default function OptionSection({ title, store, fields, switches = [], description, saveLabel }: Props) {
  const { t } = useTranslation("settings");
  const [form] = Form.useForm<Record<string, unknown>>();
  const [saving, setSaving] = useState(false);
  const initial = Object.fromEntries(fields.map((spec) => [spec.key, initialValue(spec.kind ?? "text", store.values[spec.key])]));

  const submit = async (values: Record<string, unknown>) => {
    setSaving(true);
    const done = await store.save(changedEntries(values, store.values));
    setSaving(false);
    if (done.ok) form.setFieldsValue(Object.fromEntries(fields.filter((f) => f.kind === "secret").map((f) => [f.key, ""])));
  };

  return (
    <Card size="small" title={title}>
      {description && <Typography.Paragraph type="secondary">{description}</Typography.Paragraph>}
      {switches.length > 0 && <OptionSwitches keys={switches} store={store} />}
      {fields.length > 0 && (
        <Form form={form} layout="vertical" initialValues={initial} onFinish={(values) => void submit(values)}>
          {fields.map((spec) => {
            const hint = t(`fields.${spec.key}.hint`, { defaultValue: "" });
            return (
              <Form.Item
                key={spec.key}
                name={spec.key}
                label={t(`fields.${spec.key}.label`)}
                extra={spec.kind === "secret" ? [hint, t("secretHint")].filter(Boolean).join(" ") : hint || undefined}
              >
                <FieldInput spec={spec} values={store.values} />
              </Form.Item>
            );
          })}
          <Button type="primary" htmlType="submit" loading={saving} aria-label={saveLabel}>
            {t("actions.save", { ns: "common" })}
          </Button>
        </Form>
      )}
    </Card>
  );
}
