import { Button, Result } from "antd";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";

export default function NotFoundPage() {
  const { t } = useTranslation("home");
  const navigate = useNavigate();
  return (
    <Result
      status="404"
      title="404"
      subTitle={t("notFound.text")}
      extra={<Button type="primary" onClick={() => navigate("/")}>{t("notFound.home")}</Button>}
    />
  );
}
