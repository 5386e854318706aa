// Three steps to a first request, and the request itself as a curl command to copy.
import { CopyOutlined } from "@ant-design/icons";
import { App, Button, Card, Flex, Steps } from "antd";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useSession } from "../../session";
import { baseUrl, copyWithFeedback, curlExample } from "./apiExample";

export default function QuickStartCard() {
  const { t } = useTranslation("home");
  const { message } = App.useApp();
  const { user } = useSession();
  const example = curlExample(baseUrl());
  const copy = () =>
    void copyWithFeedback(example, (ok) =>
      ok ? message.success(t("actions.copied", { ns: "common" })) : message.error(t("copyFailed")),
    );

  return (
    <Card title={t("quickStart.title")}>
      <Steps
        orientation="vertical"
        size="small"
        current={user ? 1 : 0}
        items={[
          {
            title: user ? t("quickStart.signedIn") : <Link to="/login">{t("quickStart.signIn")}</Link>,
            content: t("quickStart.signInHint"),
          },
          { title: <Link to="/token">{t("quickStart.createKey")}</Link>, content: t("quickStart.createKeyHint") },
          { title: t("quickStart.callApi"), content: t("quickStart.callApiHint") },
        ]}
      />
      <div style={{ marginTop: 8, borderRadius: 8, overflow: "hidden", background: "#1f2330" }}>
        <Flex
          justify="space-between"
          align="center"
          style={{ padding: "6px 8px 6px 16px", background: "#2a2f3e", color: "#aab2c8", fontSize: 12 }}
        >
          <span>{t("quickStart.example")}</span>
          <Button
            size="small"
            type="text"
            icon={<CopyOutlined />}
            onClick={copy}
            aria-label={t("copyLabel", { what: t("quickStart.example") })}
            style={{ color: "#dfe4f2" }}
          >
            {t("actions.copy", { ns: "common" })}
          </Button>
        </Flex>
        <pre
          style={{
            margin: 0, padding: "12px 16px", color: "#e6e9f2", fontSize: 13, lineHeight: 1.6,
            whiteSpace: "pre-wrap", overflowWrap: "anywhere", // wraps on a phone instead of cutting the command
            fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
          }}
        >
          {example}
        </pre>
      </div>
    </Card>
  );
}
