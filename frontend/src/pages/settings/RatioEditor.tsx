// A JSON editor for ModelRatio, CompletionRatio or GroupRatio: checked as you type, laid out on demand,
// saved compact; the server's refusal is shown under the editor.
import type { TFunction } from "i18next";
import { Alert, Button, Card, Flex, Form, Input, Space, Typography } from "antd";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { checkRatioJson, prettyJson, type RatioProblem } from "./options";
import type { OptionStore } from "./useOptions";

function problemText(problem: RatioProblem, t: TFunction<"settings">): string {
  if (problem.kind === "syntax") return t("ratio.syntax", { detail: problem.detail });
  if (problem.kind === "notObject") return t("ratio.notObject");
  return t(`ratio.${problem.kind}`, { name: problem.name });
}

export default function RatioEditor({ optionKey, store }: { optionKey: string; store: OptionStore }) {
  const { t } = useTranslation("settings");
  const [text, setText] = useState(() => prettyJson(store.values[optionKey] ?? "{}"));
  const [saving, setSaving] = useState(false);
  const [serverError, setServerError] = useState<string | null>(null);
  const listed = store.values[optionKey] ?? "{}";
  const check = useMemo(() => checkRatioJson(text, listed), [text, listed]);
  const id = `ratio-${optionKey}`;
  const label = t(`fields.${optionKey}.label`);

  const save = async () => {
    if (!check.ok) return;
    setSaving(true);
    const result = await store.save([[optionKey, check.compact]]);
    setSaving(false);
    setServerError(result.ok ? null : result.error);
    if (result.ok) setText(check.pretty);
  };

  return (
    <Card size="small" title={label}>
      <Typography.Paragraph type="secondary">{t(`fields.${optionKey}.hint`)}</Typography.Paragraph>
      <Form layout="vertical" onFinish={() => void save()}>
        <Form.Item
          label={label}
          htmlFor={id}
          validateStatus={check.ok ? undefined : "error"}
          help={check.ok ? t("ratio.entries", { count: Object.keys(check.ratios).length }) : problemText(check.error, t)}
        >
          <Input.TextArea
            id={id}
            value={text}
            onChange={(event) => {
              setText(event.target.value);
              setServerError(null);
            }}
            autoSize={{ minRows: 6, maxRows: 18 }}
            spellCheck={false}
            style={{ fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace", fontSize: 13 }}
          />
        </Form.Item>
        {serverError && <Alert type="error" showIcon title={serverError} style={{ marginBottom: 12 }} />}
        <Flex justify="space-between" wrap gap={8}>
          <Space wrap>
            <Button type="primary" htmlType="submit" loading={saving} disabled={!check.ok} aria-label={t("saveSection", { section: label })}>
              {t("actions.save", { ns: "common" })}
            </Button>
            <Button disabled={!check.ok} onClick={() => check.ok && setText(check.pretty)}>{t("ratio.format")}</Button>
          </Space>
          <Button type="text" onClick={() => setText(prettyJson(store.values[optionKey] ?? "{}"))}>{t("ratio.revert")}</Button>
        </Flex>
      </Form>
    </Card>
  );
}
