// The OpenAI routes this gateway relays, so visitors know what their SDK can call.
import { Card, Flex, Tag, Typography } from "antd";
import { useTranslation } from "react-i18next";

const ENDPOINTS: [method: "GET" | "POST", path: string][] = [
  ["POST", "/v1/chat/completions"],
  ["POST", "/v1/completions"],
  ["POST", "/v1/embeddings"],
  ["POST", "/v1/images/generations"],
  ["POST", "/v1/audio/speech"],
  ["POST", "/v1/audio/transcriptions"],
  ["POST", "/v1/moderations"],
  ["GET", "/v1/models"],
];

export default function EndpointsCard() {
  const { t } = useTranslation("home");
  return (
    <Card title={t("endpoints.title")}>
      <Typography.Paragraph type="secondary" style={{ marginTop: 0 }}>{t("endpoints.hint")}</Typography.Paragraph>
      <Flex vertical gap={8}>
        {ENDPOINTS.map(([method, path]) => (
          <Flex key={path} align="center" gap={8}>
            <Tag color={method === "GET" ? "green" : "blue"} style={{ width: 48, textAlign: "center", margin: 0 }}>
              {method}
            </Tag>
            <Typography.Text code style={{ fontSize: 13 }}>{path}</Typography.Text>
          </Flex>
        ))}
      </Flex>
    </Card>
  );
}
