// Shown once after a key is created: the whole key, ready to copy.
import { CheckCircleFilled } from "@ant-design/icons";
import { Alert, App, Button, Flex, Input, Modal } from "antd";
import { useTranslation } from "react-i18next";
import { copyText } from "../../lib/clipboard";

interface Props {
  apiKey: string | null;
  onClose: () => void;
}

export default function KeyRevealModal({ apiKey, onClose }: Props) {
  const { t } = useTranslation("tokens");
  const { message } = App.useApp();
  const copy = async () => {
    if (apiKey && (await copyText(apiKey))) message.success(t("list.copied"));
    else message.warning(t("created.copyFailed"));
  };
  return (
    <Modal
      open={apiKey !== null}
      title={
        <Flex gap={8} align="center">
          <CheckCircleFilled style={{ color: "#52c41a" }} />
          {t("created.title")}
        </Flex>
      }
      onCancel={onClose}
      mask={{ closable: false }}
      footer={
        <Button type="primary" onClick={onClose}>
          {t("created.done")}
        </Button>
      }
    >
      <Flex vertical gap={12}>
        <Alert type="info" showIcon title={t("created.hint")} />
        <Flex gap={8}>
          <Input
            readOnly
            value={apiKey ?? ""}
            aria-label={t("created.keyLabel")}
            onFocus={(event) => event.target.select()}
            style={{ fontFamily: "monospace" }}
          />
          <Button type="primary" onClick={() => void copy()}>
            {t("actions.copy", { ns: "common" })}
          </Button>
        </Flex>
      </Flex>
    </Modal>
  );
}
