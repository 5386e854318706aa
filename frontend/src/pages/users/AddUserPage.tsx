// /user/add (admin): a new common user, credited with the new-user quota by the server.
import { App, Button, Card, Flex, Form } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { api } from "../../api/client";
import { errorText } from "../tokens/feedback";
import PageHeader from "../../components/PageHeader";
import ProfileFields from "./ProfileFields";

interface Values {
  username: string;
  display_name?: string;
  password: string;
}

export default function AddUserPage() {
  const { t } = useTranslation("users");
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [saving, setSaving] = useState(false);

  const submit = async (values: Values) => {
    setSaving(true);
    try {
      await api.post("/api/user/", { ...values, display_name: values.display_name ?? "" });
      message.success(t("form.created", { name: values.username }));
      navigate("/user");
    } catch (err) {
      message.error(errorText(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <>
      <PageHeader title={t("form.addTitle")} />
      <Card style={{ maxWidth: 560 }}>
        <Form<Values> layout="vertical" onFinish={submit}>
          <ProfileFields passwordRequired />
          <Flex gap={8} wrap>
            <Button type="primary" htmlType="submit" loading={saving}>
              {t("actions.create", { ns: "common" })}
            </Button>
            <Button onClick={() => navigate("/user")}>{t("actions.cancel", { ns: "common" })}</Button>
          </Flex>
        </Form>
      </Card>
    </>
  );
}
