// After a batch is created: every new key, to copy at once or download as CSV (name,key,quota).
import { CopyOutlined, DownloadOutlined } from "@ant-design/icons";
import { Alert, App, Button, Flex, Input, Modal } from "antd";
import { useTranslation } from "react-i18next";
import { copyText } from "../../lib/clipboard";
import { codesCsv, csvFileName, downloadCsv } from "./csv";

export interface CreatedBatch {
  name: string;
  quota: number;
  keys: string[];
}

export default function CreatedCodesModal({ batch, onClose }: { batch: CreatedBatch | null; onClose: () => void }) {
  const { t } = useTranslation("redemptions");
  const { message } = App.useApp();
  const keys = batch?.keys ?? [];

  const copyAll = async () => {
    if (await copyText(keys.join("\n"))) message.success(t("created.copiedAll", { count: keys.length }));
    else message.warning(t("created.copyFailed"));
  };
  const download = () => {
    if (batch) downloadCsv(csvFileName(batch.name), codesCsv(batch.name, batch.keys, batch.quota));
  };

  return (
    <Modal
      open={batch !== null}
      title={t("created.title", { count: keys.length })}
      onCancel={onClose}
      mask={{ closable: false }}
      footer={
        <Flex wrap gap={8} justify="end">
          <Button icon={<CopyOutlined />} onClick={() => void copyAll()}>
            {t("created.copyAll")}
          </Button>
          <Button icon={<DownloadOutlined />} onClick={download}>
            {t("created.download")}
          </Button>
          <Button type="primary" onClick={onClose}>
            {t("created.done")}
          </Button>
        </Flex>
      }
    >
      <Flex vertical gap={12}>
        <Alert type="info" showIcon title={t("created.hint")} />
        <Input.TextArea
          readOnly
          value={keys.join("\n")}
          aria-label={t("created.keysLabel")}
          autoSize={{ minRows: Math.min(keys.length, 3), maxRows: 12 }}
          style={{ fontFamily: "monospace" }}
        />
      </Flex>
    </Modal>
  );
}
