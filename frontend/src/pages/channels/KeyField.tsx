// The upstream key: a batch textarea on create (one channel per line), one optional key on edit.
import { Form, Input } from "antd";
import { useTranslation } from "react-i18next";
import { parseBatchKeys } from "./channelForm";

export default function KeyField({ editing, maskedKey }: { editing: boolean; maskedKey: string }) {
  const { t } = useTranslation("channels");
  const text = Form.useWatch<string | undefined>("key");
  const count = parseBatchKeys(text).length;

  if (editing) {
    return (
      <Form.Item name="key" label={t("fields.key")}
        extra={maskedKey ? t("form.keyKeepHelp", { masked: maskedKey }) : t("form.keyKeepHelpNoMask")}>
        <Input.Password autoComplete="new-password" placeholder={t("form.keyKeepPlaceholder")} />
      </Form.Item>
    );
  }
  return (
    <Form.Item name="key" label={t("fields.key")}
      extra={count > 1 ? t("form.keyBatchCount", { count }) : t("form.keyBatchHelp")}
      rules={[{ validator: (_, value?: string) => (parseBatchKeys(value).length ? Promise.resolve()
        : Promise.reject(new Error(t("form.keyRequired")))) }]}>
      <Input.TextArea autoSize={{ minRows: 2, maxRows: 10 }} spellCheck={false} autoComplete="off"
        placeholder={t("form.keyBatchPlaceholder")} style={{ fontFamily: "monospace" }} />
    </Form.Item>
  );
}
