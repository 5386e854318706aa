// The sign-in methods bound to an account, read-only (binding happens on the settings page).
import { Descriptions, Typography } from "antd";
import { useTranslation } from "react-i18next";
import type { User } from "./types";

const BINDINGS = [
  ["email", "bound.email"],
  ["github_id", "bound.github"],
  ["wechat_id", "bound.wechat"],
  ["lark_id", "bound.lark"],
  ["oidc_id", "bound.oidc"],
] as const;

export default function BoundAccounts({ user }: { user: User }) {
  const { t } = useTranslation("users");
  return (
    <Descriptions
      title={t("bound.title")}
      size="small"
      bordered
      column={{ xs: 1, sm: 1, md: 2 }}
      items={BINDINGS.map(([field, label]) => ({
        key: field,
        label: t(label),
        children: user[field] ? (
          <Typography.Text copyable>{user[field]}</Typography.Text>
        ) : (
          <Typography.Text type="secondary">{t("bound.none")}</Typography.Text>
        ),
      }))}
    />
  );
}
