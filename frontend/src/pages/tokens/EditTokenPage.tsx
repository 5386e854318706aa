// /token/add and /token/edit/:id: a key's name, model and IP limits, expiry and quota.
import { App, Button, Card, Flex, Form, Input, Select, Skeleton, Switch } from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams } from "react-router";
import { api } from "../../api/client";
import { isValidExpiry } from "./expiry";
import ExpiryField from "./ExpiryField";
import { errorText } from "./feedback";
import KeyRevealModal from "./KeyRevealModal";
import PageHeader from "../../components/PageHeader";
import QuotaInput from "./QuotaInput";
import { fullKey } from "./chatLinks";
import { DEFAULT_NEW_QUOTA, NEVER_EXPIRES, splitList, type Token } from "./types";

interface Values {
  name: string;
  models: string[];
  subnet: string;
  expired_time: number;
  remain_quota: number | null;
  unlimited_quota: boolean;
}

const NEW_KEY: Values = {
  name: "", models: [], subnet: "", expired_time: NEVER_EXPIRES, remain_quota: DEFAULT_NEW_QUOTA, unlimited_quota: false,
};

function toValues(token: Token): Values {
  return {
    name: token.name,
    models: splitList(token.models),
    subnet: token.subnet,
    expired_time: token.expired_time,
    remain_quota: token.unlimited_quota ? Math.max(0, token.remain_quota) : token.remain_quota,
    unlimited_quota: token.unlimited_quota,
  };
}

export default function EditTokenPage() {
  const { id } = useParams();
  const editing = id !== undefined;
  const { t } = useTranslation("tokens");
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [form] = Form.useForm<Values>();
  const [loading, setLoading] = useState(editing);
  const [saving, setSaving] = useState(false);
  const [models, setModels] = useState<string[]>([]);
  const [savedExpiry, setSavedExpiry] = useState<number>(NEVER_EXPIRES);
  const [createdKey, setCreatedKey] = useState<string | null>(null);
  const unlimited = Form.useWatch("unlimited_quota", form);
  const chosenModels = Form.useWatch("models", form) ?? [];

  useEffect(() => {
    api.get<string[]>("/api/user/available_models").then(setModels, (err: unknown) => message.error(errorText(err)));
  }, [message]);

  useEffect(() => {
    if (!editing) return;
    api
      .get<Token>(`/api/token/${id}`)
      .then((token) => {
        form.setFieldsValue(toValues(token));
        setSavedExpiry(token.expired_time);
      })
      .catch((err: unknown) => message.error(errorText(err)))
      .finally(() => setLoading(false));
  }, [editing, id, form, message]);

  const submit = async (values: Values) => {
    const body = {
      name: values.name.trim(),
      models: values.models.join(","),
      subnet: splitList(values.subnet).join(","),
      expired_time: values.expired_time,
      remain_quota: values.remain_quota ?? 0,
      unlimited_quota: values.unlimited_quota,
    };
    setSaving(true);
    try {
      if (editing) {
        await api.put<Token>("/api/token/", { id: Number(id), ...body });
        message.success(t("saved", { ns: "common" }));
        navigate("/token");
      } else {
        const token = await api.post<Token>("/api/token/", body);
        setCreatedKey(fullKey(token.key));
      }
    } catch (err) {
      message.error(errorText(err));
    } finally {
      setSaving(false);
    }
  };

  // Keep models the key already allows selectable even if its group no longer offers them.
  const modelOptions = [...new Set([...models, ...chosenModels])].map((name) => ({ label: name, value: name }));

  return (
    <>
      <PageHeader title={editing ? t("edit.editTitle") : t("edit.addTitle")} />
      <Card style={{ maxWidth: 760 }}>
        {loading && <Skeleton active paragraph={{ rows: 8 }} />}
        {/* Mounted while loading too, so the loaded values land in a connected form. */}
        <Form<Values> form={form} layout="vertical" initialValues={NEW_KEY} onFinish={submit} hidden={loading}>
          <Form.Item
            name="name"
            label={t("fields.name")}
            rules={[{ required: true, whitespace: true, message: t("edit.nameRequired") }, { max: 30, message: t("edit.nameTooLong") }]}
          >
            <Input placeholder={t("edit.namePlaceholder")} maxLength={30} showCount />
          </Form.Item>
          <Form.Item name="models" label={t("edit.models")} extra={t("edit.modelsHint")}>
            <Select
              mode="multiple"
              allowClear
              options={modelOptions}
              placeholder={t("edit.allModels")}
              notFoundContent={t("edit.noModels")}
              maxTagCount="responsive"
            />
          </Form.Item>
          <Form.Item name="subnet" label={t("edit.subnet")} extra={t("edit.subnetHint")}>
            <Input placeholder="192.168.1.0/24, 10.0.0.0/8" />
          </Form.Item>
          <Form.Item
            name="expired_time"
            label={t("fields.expires")}
            rules={[{
              validator: (_, value: number) =>
                value === savedExpiry || isValidExpiry(value) ? Promise.resolve() : Promise.reject(new Error(t("edit.expiryPast"))),
            }]}
          >
            <ExpiryField />
          </Form.Item>
          <Form.Item name="unlimited_quota" label={t("edit.unlimited")} valuePropName="checked" extra={t("edit.unlimitedHint")}>
            <Switch />
          </Form.Item>
          <Form.Item
            name="remain_quota"
            label={t("fields.remainQuota")}
            rules={[{ required: !unlimited, message: t("edit.quotaRequired") }]}
          >
            <QuotaInput disabled={Boolean(unlimited)} />
          </Form.Item>
          <Flex gap={8} wrap>
            <Button type="primary" htmlType="submit" loading={saving}>
              {editing ? t("actions.save", { ns: "common" }) : t("actions.create", { ns: "common" })}
            </Button>
            <Button onClick={() => navigate("/token")}>{t("actions.cancel", { ns: "common" })}</Button>
          </Flex>
        </Form>
      </Card>
      <KeyRevealModal apiKey={createdKey} onClose={() => navigate("/token")} />
    </>
  );
}
