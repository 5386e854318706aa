// /topup: the balance, redeeming a code, and the admin's online shop when one is configured.
import { GiftOutlined, ShoppingCartOutlined, WalletOutlined } from "@ant-design/icons";
import { Alert, App, Button, Card, Col, Form, Input, Row, Statistic, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../../api/client";
import { formatQuota } from "../../lib/quota";
import { useSession } from "../../session";
import { errorText } from "../tokens/feedback";
import PageHeader from "../../components/PageHeader";
import { newTransactionId, topUpUrl } from "./topUpLink";

export default function TopUpPage() {
  const { t } = useTranslation("topup");
  const { message } = App.useApp();
  const { user, status, refreshUser } = useSession();
  const [form] = Form.useForm<{ key: string }>();
  const [redeeming, setRedeeming] = useState(false);
  const [added, setAdded] = useState<number | null>(null);

  const redeem = async ({ key }: { key: string }) => {
    setRedeeming(true);
    setAdded(null);
    try {
      const quota = await api.post<number>("/api/user/topup", { key: key.trim() });
      setAdded(quota);
      message.success(t("redeemed", { amount: formatQuota(quota, status) }));
      form.resetFields();
      await refreshUser();
    } catch (err) {
      message.error(errorText(err));
    } finally {
      setRedeeming(false);
    }
  };

  const openShop = () => {
    if (!user || !status.top_up_link) return;
    window.open(topUpUrl(status.top_up_link, user, newTransactionId()), "_blank", "noopener");
  };

  return (
    <>
      <PageHeader title={t("title")} />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={8}>
          <Card title={<><WalletOutlined /> {t("balance")}</>} style={{ height: "100%" }}>
            <Statistic title={t("remaining")} value={formatQuota(user?.quota ?? 0, status)} />
            <Row gutter={16} style={{ marginTop: 16 }}>
              <Col span={12}>
                <Statistic title={t("used")} value={formatQuota(user?.used_quota ?? 0, status)} styles={{ content: { fontSize: 18 } }} />
              </Col>
              <Col span={12}>
                <Statistic title={t("requests")} value={user?.request_count ?? 0} styles={{ content: { fontSize: 18 } }} />
              </Col>
            </Row>
          </Card>
        </Col>
        <Col xs={24} lg={16}>
          <Card title={<><GiftOutlined /> {t("redeemTitle")}</>} style={{ marginBottom: 16 }}>
            <Typography.Paragraph type="secondary">{t("redeemHint")}</Typography.Paragraph>
            <Form form={form} layout="vertical" onFinish={redeem} requiredMark={false}>
              <Form.Item
                name="key"
                label={t("code")}
                rules={[{ required: true, whitespace: true, message: t("codeRequired") }]}
              >
                <Input placeholder={t("codePlaceholder")} autoComplete="off" allowClear style={{ fontFamily: "monospace" }} />
              </Form.Item>
              <Button type="primary" htmlType="submit" loading={redeeming}>
                {t("redeem")}
              </Button>
            </Form>
            {added !== null && (
              <Alert
                type="success"
                showIcon
                style={{ marginTop: 16 }}
                title={t("redeemed", { amount: formatQuota(added, status) })}
                description={t("newBalance", { amount: formatQuota(user?.quota ?? 0, status) })}
              />
            )}
          </Card>
          <Card title={<><ShoppingCartOutlined /> {t("onlineTitle")}</>}>
            {status.top_up_link ? (
              <>
                <Typography.Paragraph type="secondary">{t("onlineHint")}</Typography.Paragraph>
                <Button icon={<ShoppingCartOutlined />} onClick={openShop}>
                  {t("online")}
                </Button>
              </>
            ) : (
              <Typography.Text type="secondary">{t("onlineOff")}</Typography.Text>
            )}
          </Card>
        </Col>
      </Row>
    </>
  );
}
