// Home: the administrator's HomePageContent when set (Markdown, or an https URL in a frame); otherwise a
// welcome card with the base URL, a quick start and the system status. The Notice pops up over either.
import { Card, Col, Row, Skeleton } from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../../api/client";
import RichContent, { isFrameUrl } from "../../components/RichContent";
import EndpointsCard from "./EndpointsCard";
import NoticeModal from "./NoticeModal";
import QuickStartCard from "./QuickStartCard";
import SystemStatusCard from "./SystemStatusCard";
import WelcomeCard from "./WelcomeCard";

const CONTENT_CACHE = "tollgate.home_page_content";

function DefaultHome() {
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={16}>
        <Row gutter={[16, 16]}>
          <Col span={24}><WelcomeCard /></Col>
          <Col span={24}><QuickStartCard /></Col>
        </Row>
      </Col>
      <Col xs={24} xl={8}>
        <Row gutter={[16, 16]}>
          <Col span={24}><SystemStatusCard /></Col>
          <Col span={24}><EndpointsCard /></Col>
        </Row>
      </Col>
    </Row>
  );
}

export default function HomePage() {
  const { t } = useTranslation("home");
  // The last content seen paints at once; the fresh copy replaces it when it arrives.
  const [content, setContent] = useState<string | null>(() => localStorage.getItem(CONTENT_CACHE));

  useEffect(() => {
    let active = true;
    api
      .get<string>("/api/home_page_content")
      .then((fresh) => {
        if (!active) return;
        localStorage.setItem(CONTENT_CACHE, fresh ?? "");
        setContent(fresh ?? "");
      })
      .catch(() => active && setContent((cached) => cached ?? ""));
    return () => {
      active = false;
    };
  }, []);

  let body;
  if (content === null) body = <Card><Skeleton active paragraph={{ rows: 6 }} /></Card>;
  else if (!content.trim()) body = <DefaultHome />;
  else if (isFrameUrl(content)) body = <RichContent content={content} title={t("contentFrame")} frameHeight="calc(100vh - 160px)" />;
  else body = <Card><RichContent content={content} /></Card>;

  return (
    <>
      <NoticeModal />
      {body}
    </>
  );
}
