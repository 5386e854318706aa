// About: the administrator's About text (Markdown, or an https URL in a frame), or a short default.
import { Card, Skeleton, Typography } from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../../api/client";
import RichContent, { isFrameUrl } from "../../components/RichContent";
import { useSession } from "../../session";

export default function AboutPage() {
  const { t } = useTranslation("home");
  const { status, isRoot } = useSession();
  const [about, setAbout] = useState<string | null>(null);
  const [error, setError] = useState("");

  useEffect(() => {
    let active = true;
    api
      .get<string>("/api/about")
      .then((text) => active && setAbout(text ?? ""))
      .catch((err: unknown) => {
        if (!active) return;
        setAbout("");
        setError(err instanceof Error && err.message !== "network" ? err.message : t("network", { ns: "common" }));
      });
    return () => {
      active = false;
    };
  }, [t]);

  if (about === null) return <Card title={t("about.title")}><Skeleton active /></Card>;
  if (about.trim() && isFrameUrl(about)) {
    return <RichContent content={about} title={t("about.title")} frameHeight="calc(100vh - 160px)" />;
  }
  const name = status.system_name || "Tollgate";
  return (
    <Card title={<Typography.Title level={3} style={{ margin: 0 }}>{t("about.title")}</Typography.Title>}>
      {about.trim() ? (
        <RichContent content={about} />
      ) : (
        <Typography>
          <Typography.Paragraph>{t("about.default", { name })}</Typography.Paragraph>
          {isRoot && <Typography.Paragraph type="secondary">{t("about.adminHint")}</Typography.Paragraph>}
          {error && <Typography.Paragraph type="danger">{error}</Typography.Paragraph>}
          {status.version && (
            <Typography.Paragraph type="secondary">{t("about.version", { version: status.version })}</Typography.Paragraph>
          )}
        </Typography>
      )}
    </Card>
  );
}
