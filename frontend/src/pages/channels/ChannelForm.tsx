// The channel form itself. The chosen type decides the base URL rule, the extra fields and the model fills.
import { App, Button, Card, Col, Divider, Form, Input, InputNumber, Row, Select, Space, Typography } from "antd";
import { useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { channelApi } from "./channelApi";
import {
  checkModelMapping, configDefaults, formatModelMapping, groupsFit, MAX_GROUP_TEXT, toFormValues,
  toPayload, type ChannelFormValues, type MappingProblem,
} from "./channelForm";
import KeyField from "./KeyField";
import ModelsField from "./ModelsField";
import TypeFields from "./TypeFields";
import type { Channel, ChannelTypeInfo } from "./types";

interface Props {
  channel: Channel | null;
  types: ChannelTypeInfo[];
  groups: string[];
}

function initialValues(channel: Channel | null, types: ChannelTypeInfo[]): ChannelFormValues {
  if (channel) return toFormValues(channel, types.find((type) => type.id === channel.type));
  const first = types[0];
  return {
    type: first?.id ?? 1, name: "", group: ["default"], base_url: "", config: configDefaults(first),
    models: [...(first?.default_models ?? [])], model_mapping: "", system_prompt: "", key: "", priority: 0, weight: 0,
  };
}

export default function ChannelForm({ channel, types, groups }: Props) {
  const { t } = useTranslation("channels");
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<ChannelFormValues>();
  const initial = useMemo(() => initialValues(channel, types), [channel, types]);
  const [typeId, setTypeId] = useState(initial.type);
  const [saving, setSaving] = useState(false);
  const previousType = useRef(initial.type);
  const type = types.find((item) => item.id === typeId);
  const editing = channel !== null;

  const mappingMessage = (problem: MappingProblem): string =>
    problem.kind === "syntax" ? t("form.mappingSyntax", { detail: problem.detail })
    : problem.kind === "notString" ? t("form.mappingNotString", { key: problem.key })
    : problem.kind === "tooLong" ? t("form.mappingTooLong", { max: problem.max })
    : t("form.mappingNotObject");

  const changeType = (next: number) => {
    const before = types.find((item) => item.id === previousType.current);
    const after = types.find((item) => item.id === next);
    previousType.current = next;
    setTypeId(next);
    // Carry the admin's own choices over; replace only what came from the previous type's defaults.
    const models = form.getFieldValue("models") as string[];
    const untouched = !models.length || models.join(",") === (before?.default_models ?? []).join(",");
    form.setFieldsValue({ config: configDefaults(after), ...(untouched ? { models: [...(after?.default_models ?? [])] } : {}) });
  };

  const submit = async (values: ChannelFormValues) => {
    setSaving(true);
    try {
      const payload = toPayload(values, type, channel ?? undefined);
      if (channel) {
        await channelApi.update({ ...payload, id: channel.id });
        message.success(t("form.saved", { name: payload.name }));
      } else {
        const created = await channelApi.create(payload);
        message.success(t("form.created", { count: created.length }));
      }
      navigate("/channel");
    } catch (err) {
      message.error(err instanceof Error ? err.message : String(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Card title={<Typography.Title level={3} style={{ margin: 0 }}>{t(editing ? "form.editTitle" : "form.addTitle")}</Typography.Title>}>
      <Form<ChannelFormValues> form={form} layout="vertical" initialValues={initial} onFinish={submit}
        onFinishFailed={() => message.error(t("form.fixErrors"))} scrollToFirstError style={{ maxWidth: 880 }}>
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item name="type" label={t("fields.type")} rules={[{ required: true }]}
              extra={type?.docs_url ? <a href={type.docs_url} target="_blank" rel="noopener noreferrer">{t("form.docs")}</a> : undefined}>
              <Select showSearch optionFilterProp="label" onChange={changeType}
                options={types.map((item) => ({ value: item.id, label: item.display_name }))} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="name" label={t("fields.name")} rules={[{ required: true, whitespace: true, message: t("form.nameRequired") }, { max: 191 }]}>
              <Input placeholder={t("form.namePlaceholder")} autoComplete="off" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="group" label={t("fields.group")} extra={t("form.groupHelp")}
          rules={[{ validator: (_, value: string[] = []) => (groupsFit(value) ? Promise.resolve()
            : Promise.reject(new Error(t("form.groupTooLong", { max: MAX_GROUP_TEXT })))) }]}>
          <Select mode="tags" tokenSeparators={[","]} options={groups.map((name) => ({ value: name, label: name }))}
            placeholder={t("form.groupPlaceholder")} />
        </Form.Item>
        <TypeFields type={type} />
        <KeyField editing={editing} maskedKey={channel?.key ?? ""} />
        <Divider titlePlacement="start" plain>{t("form.modelsSection")}</Divider>
        <Form.Item name="models" label={t("fields.models")}
          rules={[{ validator: (_, value: string[] = []) => (value.length ? Promise.resolve()
            : Promise.reject(new Error(t("form.modelsRequired")))) }]}>
          <ModelsField typeModels={type?.default_models ?? []} />
        </Form.Item>
        <Form.Item name="model_mapping" label={t("fields.modelMapping")} extra={t("form.mappingHelp")}
          rules={[{ validator: (_, value?: string) => {
            const problem = checkModelMapping(value);
            return problem ? Promise.reject(new Error(mappingMessage(problem))) : Promise.resolve();
          } }]}>
          <Input.TextArea autoSize={{ minRows: 3, maxRows: 12 }} spellCheck={false} style={{ fontFamily: "monospace" }}
            placeholder={'{\n  "gpt-3.5-turbo": "gpt-4o-mini"\n}'}
            onBlur={(event) => form.setFieldValue("model_mapping", formatModelMapping(event.target.value))} />
        </Form.Item>
        <Form.Item name="system_prompt" label={t("fields.systemPrompt")} extra={t("form.systemPromptHelp")}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 10 }} />
        </Form.Item>
        <Divider titlePlacement="start" plain>{t("form.routingSection")}</Divider>
        <Row gutter={16}>
          <Col xs={12} md={6}>
            <Form.Item name="priority" label={t("fields.priority")} extra={t("form.priorityHelp")}>
              <InputNumber precision={0} style={{ width: "100%" }} />
            </Form.Item>
          </Col>
          <Col xs={12} md={6}>
            <Form.Item name="weight" label={t("fields.weight")} extra={t("form.weightHelp")}>
              <InputNumber precision={0} min={0} style={{ width: "100%" }} />
            </Form.Item>
          </Col>
        </Row>
        <Space wrap>
          <Button type="primary" htmlType="submit" loading={saving}>
            {editing ? t("actions.save", { ns: "common" }) : t("actions.create", { ns: "common" })}
          </Button>
          <Button onClick={() => navigate("/channel")}>{t("actions.cancel", { ns: "common" })}</Button>
        </Space>
      </Form>
    </Card>
  );
}
