// One text option with its own Save button; long content gets a live preview through RichContent
// (sanitised Markdown/HTML, or a frame for an https URL), a logo gets an image preview.
import { Button, Card, Col, Form, Input, Row, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import RichContent from "../../components/RichContent";
import type { OptionStore } from "./useOptions";

export type ContentKind = "rich" | "line" | "image";

interface Props {
  optionKey: string;
  kind: ContentKind;
  store: OptionStore;
}

function Preview({ kind, text }: { kind: ContentKind; text: string }) {
  const { t } = useTranslation("settings");
  if (!text.trim()) return <Typography.Text type="secondary">{t("content.emptyPreview")}</Typography.Text>;
  if (kind === "image") return <img src={text.trim()} alt={t("content.logoAlt")} style={{ maxHeight: 64, maxWidth: "100%" }} />;
  return <RichContent content={text} title={t("content.preview")} frameHeight="240px" />;
}

export default function ContentEditor({ optionKey, kind, store }: Props) {
  const { t } = useTranslation("settings");
  const stored = store.values[optionKey] ?? "";
  const [text, setText] = useState(stored);
  const [saving, setSaving] = useState(false);
  const label = t(`fields.${optionKey}.label`);
  const id = `content-${optionKey}`;
  const changed = text !== stored;

  const save = async () => {
    setSaving(true);
    await store.save([[optionKey, text]]);
    setSaving(false);
  };

  const editor = kind === "rich"
    ? <Input.TextArea id={id} value={text} onChange={(e) => setText(e.target.value)} autoSize={{ minRows: 6, maxRows: 16 }} />
    : <Input id={id} value={text} onChange={(e) => setText(e.target.value)} inputMode={kind === "image" ? "url" : "text"} />;

  return (
    <Card size="small" title={label} extra={changed ? <Typography.Text type="warning">{t("content.unsaved")}</Typography.Text> : null}>
      <Row gutter={[16, 8]}>
        <Col xs={24} lg={kind === "rich" ? 12 : 24}>
          <Form layout="vertical" onFinish={() => void save()}>
            <Form.Item label={label} htmlFor={id} extra={t(`fields.${optionKey}.hint`, { defaultValue: "" }) || undefined}>
              {editor}
            </Form.Item>
            <Button type="primary" htmlType="submit" loading={saving} aria-label={t("saveSection", { section: label })}>
              {t("actions.save", { ns: "common" })}
            </Button>
          </Form>
        </Col>
        {kind !== "line" && (
          <Col xs={24} lg={kind === "rich" ? 12 : 24}>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t("content.preview")}</Typography.Text>
            <div style={{ border: "1px dashed #d9d9d9", borderRadius: 8, padding: 12, marginTop: 4, minHeight: 80, overflow: "auto", maxHeight: 320 }}>
              <Preview kind={kind} text={text} />
            </div>
          </Col>
        )}
      </Row>
    </Card>
  );
}
