// /user/edit (your own profile) and /user/edit/:id (admin: also group and quota).
import { App, Button, Card, Divider, Flex, Form, Result, Select, Skeleton } from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams } from "react-router";
import { api } from "../../api/client";
import { useSession } from "../../session";
import { errorText } from "../tokens/feedback";
import PageHeader from "../../components/PageHeader";
import QuotaInput from "../tokens/QuotaInput";
import BoundAccounts from "./BoundAccounts";
import ProfileFields from "./ProfileFields";
import type { User } from "./types";

interface Values {
  username: string;
  display_name: string;
  password?: string;
  group?: string;
  quota?: number | null;
}

export default function EditUserPage() {
  const { id } = useParams();
  const asAdmin = id !== undefined;
  const { t } = useTranslation("users");
  const { message } = App.useApp();
  const { refreshUser } = useSession();
  const navigate = useNavigate();
  const [form] = Form.useForm<Values>();
  const [user, setUser] = useState<User | null>(null);
  const [groups, setGroups] = useState<string[]>([]);
  const [saving, setSaving] = useState(false);
  const [failed, setFailed] = useState(false);
  const back = () => navigate(asAdmin ? "/user" : "/setting");

  useEffect(() => {
    api
      .get<User>(asAdmin ? `/api/user/${id}` : "/api/user/self")
      .then((loaded) => {
        setUser(loaded);
        form.setFieldsValue({ ...loaded, password: "" });
      })
      .catch((err: unknown) => {
        setFailed(true);
        message.error(errorText(err));
      });
    if (asAdmin) api.get<string[]>("/api/group/").then(setGroups, (err: unknown) => message.error(errorText(err)));
  }, [asAdmin, id, form, message]);

  const submit = async (values: Values) => {
    if (!user) return;
    const profile = { username: values.username, display_name: values.display_name ?? "", password: values.password ?? "" };
    setSaving(true);
    try {
      if (asAdmin) {
        // Quota is set absolutely, so send it only when changed: an unchanged copy would undo spending since load.
        const quota = values.quota !== user.quota && values.quota != null ? { quota: values.quota } : {};
        await api.put("/api/user/", { id: user.id, ...profile, group: values.group, ...quota });
      } else {
        await api.put("/api/user/self", profile);
        await refreshUser();
      }
      message.success(t("saved", { ns: "common" }));
      back();
    } catch (err) {
      message.error(errorText(err));
    } finally {
      setSaving(false);
    }
  };

  const groupOptions = [...new Set([...groups, user?.group || "default"])].map((g) => ({ label: g, value: g }));

  return (
    <>
      <PageHeader title={asAdmin ? t("form.editTitle") : t("form.selfTitle")} />
      <Card style={{ maxWidth: 720 }}>
        {failed && (
          <Result status="warning" title={t("form.loadFailed")} extra={<Button onClick={back}>{t("actions.back", { ns: "common" })}</Button>} />
        )}
        {!user && !failed && <Skeleton active paragraph={{ rows: 6 }} />}
        {/* Mounted while loading too, so the loaded values land in a connected form. */}
        <Form<Values> form={form} layout="vertical" onFinish={submit} hidden={!user || failed}>
          <ProfileFields passwordRequired={false} />
          {asAdmin && (
            <>
              <Form.Item name="group" label={t("fields.group")} rules={[{ required: true, message: t("form.groupRequired") }]}>
                <Select options={groupOptions} showSearch style={{ maxWidth: 320 }} />
              </Form.Item>
              <Form.Item name="quota" label={t("fields.quota")} rules={[{ required: true, message: t("form.quotaRequired") }]}>
                <QuotaInput />
              </Form.Item>
            </>
          )}
          <Flex gap={8} wrap>
            <Button type="primary" htmlType="submit" loading={saving}>
              {t("actions.save", { ns: "common" })}
            </Button>
            <Button onClick={back}>{t("actions.cancel", { ns: "common" })}</Button>
          </Flex>
          {user && (
            <>
              <Divider />
              <BoundAccounts user={user} />
            </>
          )}
        </Form>
      </Card>
    </>
  );
}
