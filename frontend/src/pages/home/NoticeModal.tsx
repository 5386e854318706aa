// The administrator's Notice (GET /api/notice), shown in a modal the first time each new text is seen.
import { NotificationOutlined } from "@ant-design/icons";
import { Button, Modal } from "antd";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../../api/client";
import RichContent from "../../components/RichContent";
import { isNoticeNew, markNoticeSeen } from "./notice";

export default function NoticeModal() {
  const { t } = useTranslation("home");
  const [notice, setNotice] = useState("");
  const [open, setOpen] = useState(false);

  useEffect(() => {
    let active = true;
    api
      .get<string>("/api/notice")
      .then((text) => {
        if (!active || !text || !isNoticeNew(text)) return;
        setNotice(text);
        setOpen(true);
      })
      .catch(() => undefined); // the notice is a nicety; the home page works without it
    return () => {
      active = false;
    };
  }, []);

  const close = () => {
    markNoticeSeen(notice);
    setOpen(false);
  };

  return (
    <Modal
      open={open}
      onCancel={close}
      title={
        <span>
          <NotificationOutlined style={{ marginInlineEnd: 8, color: "#3b5bdb" }} />
          {t("notice.title")}
        </span>
      }
      footer={<Button type="primary" onClick={close}>{t("notice.ok")}</Button>}
      width={640}
    >
      <RichContent content={notice} title={t("notice.title")} frameHeight="60vh" />
    </Modal>
  );
}
