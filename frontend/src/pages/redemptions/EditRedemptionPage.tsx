// /redemption/add (a batch of codes of equal value) and /redemption/edit/:id (name and quota).
import { App, Button, Card, Flex, Form, Input, InputNumber, Skeleton } from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams } from "react-router";
import { api } from "../../api/client";
import { useSession } from "../../session";
import { errorText } from "../tokens/feedback";
import PageHeader from "../../components/PageHeader";
import QuotaInput from "../tokens/QuotaInput";
import CreatedCodesModal, { type CreatedBatch } from "./CreatedCodesModal";
import { MAX_BATCH, MAX_NAME_LENGTH, type Redemption } from "./types";

interface Values {
  name: string;
  quota: number | null;
  count: number | null;
}

export default function EditRedemptionPage() {
  const { id } = useParams();
  const editing = id !== undefined;
  const { t } = useTranslation("redemptions");
  const { message } = App.useApp();
  const { status } = useSession();
  const navigate = useNavigate();
  const [form] = Form.useForm<Values>();
  const [loading, setLoading] = useState(editing);
  const [saving, setSaving] = useState(false);
  const [batch, setBatch] = useState<CreatedBatch | null>(null);

  useEffect(() => {
    if (!editing) return;
    api
      .get<Redemption>(`/api/redemption/${id}`)
      .then((code) => form.setFieldsValue({ name: code.name, quota: code.quota }))
      .catch((err: unknown) => message.error(errorText(err)))
      .finally(() => setLoading(false));
  }, [editing, id, form, message]);

  const submit = async (values: Values) => {
    const name = values.name.trim();
    const quota = values.quota ?? 0;
    setSaving(true);
    try {
      if (editing) {
        await api.put("/api/redemption/", { id: Number(id), name, quota });
        message.success(t("saved", { ns: "common" }));
        navigate("/redemption");
      } else {
        const keys = await api.post<string[]>("/api/redemption/", { name, quota, count: values.count ?? 1 });
        setBatch({ name, quota, keys });
      }
    } catch (err) {
      message.error(errorText(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <>
      <PageHeader title={editing ? t("edit.editTitle") : t("edit.addTitle")} />
      <Card style={{ maxWidth: 640 }}>
        {loading && <Skeleton active paragraph={{ rows: 4 }} />}
        <Form<Values>
          form={form}
          layout="vertical"
          onFinish={submit}
          hidden={loading}
          initialValues={{ name: "", quota: status.quota_per_unit || 500000, count: 1 }}
        >
          <Form.Item
            name="name"
            label={t("fields.name")}
            rules={[{ required: true, whitespace: true, message: t("edit.nameRequired") }]}
          >
            <Input maxLength={MAX_NAME_LENGTH} showCount placeholder={t("edit.namePlaceholder")} />
          </Form.Item>
          <Form.Item name="quota" label={t("fields.quota")} rules={[{ required: true, message: t("edit.quotaRequired") }]}>
            <QuotaInput min={1} />
          </Form.Item>
          {!editing && (
            <Form.Item
              name="count"
              label={t("edit.count")}
              extra={t("edit.countHint", { max: MAX_BATCH })}
              rules={[{ required: true, message: t("edit.countRequired") }]}
            >
              <InputNumber<number> min={1} max={MAX_BATCH} precision={0} style={{ width: 160 }} />
            </Form.Item>
          )}
          <Flex gap={8} wrap>
            <Button type="primary" htmlType="submit" loading={saving}>
              {editing ? t("actions.save", { ns: "common" }) : t("actions.create", { ns: "common" })}
            </Button>
            <Button onClick={() => navigate("/redemption")}>{t("actions.cancel", { ns: "common" })}</Button>
          </Flex>
        </Form>
      </Card>
      <CreatedCodesModal batch={batch} onClose={() => navigate("/redemption")} />
    </>
  );
}
