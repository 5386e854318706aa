// Chat: the administrator's chat app (ChatLink) in a frame filling the page.
import { Card, Empty } from "antd";
import { useTranslation } from "react-i18next";
import { useSession } from "../../session";

export default function ChatPage() {
  const { t } = useTranslation("home");
  const { status } = useSession();
  const link = status.chat_link?.trim();
  if (!link) {
    return (
      <Card title={t("chat.title")}>
        <Empty description={t("chat.empty")} />
      </Card>
    );
  }
  return (
    <iframe
      title={t("chat.title")}
      src={link}
      allow="clipboard-read; clipboard-write; microphone"
      style={{ width: "100%", height: "calc(100vh - 170px)", minHeight: 480, border: "none", borderRadius: 8, background: "#fff" }}
    />
  );
}
