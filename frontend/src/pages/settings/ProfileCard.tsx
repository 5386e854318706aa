// Who you are: the account's names, group, role and balance, with a link to edit them.
import { EditOutlined } from "@ant-design/icons";
import { Button, Card, Descriptions, Tag } from "antd";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { formatQuota } from "../../lib/quota";
import { ROLE_ADMIN, ROLE_ROOT, useSession } from "../../session";

export default function ProfileCard() {
  const { t } = useTranslation("settings");
  const { user, status } = useSession();
  if (!user) return null;
  const role = user.role >= ROLE_ROOT ? "root" : user.role >= ROLE_ADMIN ? "admin" : "user";
  return (
    <Card
      size="small"
      title={t("profile.title")}
      extra={<Link to="/user/edit"><Button icon={<EditOutlined />}>{t("profile.edit")}</Button></Link>}
    >
      <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 3 }}>
        <Descriptions.Item label={t("profile.username")}>{user.username}</Descriptions.Item>
        <Descriptions.Item label={t("profile.displayName")}>{user.display_name || "—"}</Descriptions.Item>
        <Descriptions.Item label={t("profile.role")}>
          <Tag color={role === "user" ? "default" : role === "admin" ? "blue" : "gold"}>{t(`roles.${role}`)}</Tag>
        </Descriptions.Item>
        <Descriptions.Item label={t("profile.group")}><Tag>{user.group || "default"}</Tag></Descriptions.Item>
        <Descriptions.Item label={t("profile.balance")}>{formatQuota(user.quota, status)}</Descriptions.Item>
        <Descriptions.Item label={t("profile.used")}>{formatQuota(user.used_quota, status)}</Descriptions.Item>
      </Descriptions>
    </Card>
  );
}
