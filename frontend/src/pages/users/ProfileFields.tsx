// Username, display name and password, as the server checks them (12, 20 and 8–20 characters).
import { Form, Input } from "antd";
import { useTranslation } from "react-i18next";

export const MAX_USERNAME = 12;
export const MAX_DISPLAY_NAME = 20;
export const MIN_PASSWORD = 8;
export const MAX_PASSWORD = 20;

export default function ProfileFields({ passwordRequired }: { passwordRequired: boolean }) {
  const { t } = useTranslation("users");
  return (
    <>
      <Form.Item
        name="username"
        label={t("fields.username")}
        rules={[
          { required: true, message: t("form.usernameRequired") },
          { max: MAX_USERNAME, message: t("form.usernameLength", { max: MAX_USERNAME }) },
          { pattern: /^\S(.*\S)?$/, message: t("form.usernameSpaces") },
        ]}
      >
        <Input maxLength={MAX_USERNAME} autoComplete="off" />
      </Form.Item>
      <Form.Item name="display_name" label={t("fields.displayName")} rules={[{ max: MAX_DISPLAY_NAME }]}>
        <Input maxLength={MAX_DISPLAY_NAME} placeholder={t("form.displayNamePlaceholder")} />
      </Form.Item>
      <Form.Item
        name="password"
        label={t("fields.password")}
        extra={passwordRequired ? undefined : t("form.passwordKeep")}
        rules={[
          { required: passwordRequired, message: t("form.passwordRequired") },
          { min: MIN_PASSWORD, max: MAX_PASSWORD, message: t("form.passwordLength", { min: MIN_PASSWORD, max: MAX_PASSWORD }) },
        ]}
      >
        <Input.Password
          autoComplete="new-password"
          maxLength={MAX_PASSWORD}
          placeholder={passwordRequired ? undefined : t("form.passwordKeepPlaceholder")}
        />
      </Form.Item>
    </>
  );
}
