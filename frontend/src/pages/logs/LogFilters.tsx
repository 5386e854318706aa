// The filter form above the logs table; admins also filter by channel id and username.
import { ReloadOutlined, SearchOutlined } from "@ant-design/icons";
import { Button, Col, DatePicker, Form, Input, InputNumber, Row, Select, Space } from "antd";
import type { Dayjs } from "dayjs";
import { useTranslation } from "react-i18next";
import { LOG_TYPES, type LogFilter } from "./logQuery";

interface Values {
  tokenName?: string;
  modelName?: string;
  range?: [Dayjs | null, Dayjs | null] | null;
  type: number;
  channel?: number | null;
  username?: string;
}

const INITIAL: Values = { type: 0 };

function toFilter({ range, ...rest }: Values): LogFilter {
  return { ...rest, start: range?.[0]?.unix(), end: range?.[1]?.unix() };
}

interface Props {
  isAdmin: boolean;
  loading: boolean;
  onSearch: (filter: LogFilter) => void;
  onRefresh: () => void;
}

export default function LogFilters({ isAdmin, loading, onSearch, onRefresh }: Props) {
  const { t } = useTranslation("logs");
  const [form] = Form.useForm<Values>();
  const typeOptions = [
    { value: 0, label: t("types.all") },
    ...LOG_TYPES.map((type) => ({ value: type.value, label: t(`types.${type.key}`) })),
  ];
  const column = { xs: 24, sm: 12, lg: 8, xxl: 6 };
  return (
    <Form<Values> form={form} name="logFilters" layout="vertical" initialValues={INITIAL} onFinish={(values) => onSearch(toFilter(values))}>
      <Row gutter={12}>
        <Col {...column}>
          <Form.Item name="tokenName" label={t("filters.tokenName")}>
            <Input allowClear placeholder={t("filters.tokenNameHint")} />
          </Form.Item>
        </Col>
        <Col {...column}>
          <Form.Item name="modelName" label={t("filters.modelName")}>
            <Input allowClear placeholder={t("filters.modelNameHint")} />
          </Form.Item>
        </Col>
        <Col xs={24} sm={24} lg={8} xxl={6}>
          <Form.Item name="range" label={t("filters.timeRange")}>
            <DatePicker.RangePicker
              showTime
              allowEmpty={[true, true]}
              style={{ width: "100%" }}
              placeholder={[t("filters.start"), t("filters.end")]}
            />
          </Form.Item>
        </Col>
        <Col {...column}>
          <Form.Item name="type" label={t("filters.type")}>
            <Select options={typeOptions} />
          </Form.Item>
        </Col>
        {isAdmin && (
          <>
            <Col {...column}>
              <Form.Item name="channel" label={t("filters.channel")}>
                <InputNumber min={1} precision={0} style={{ width: "100%" }} placeholder={t("filters.channelHint")} />
              </Form.Item>
            </Col>
            <Col {...column}>
              <Form.Item name="username" label={t("filters.username")}>
                <Input allowClear placeholder={t("filters.usernameHint")} />
              </Form.Item>
            </Col>
          </>
        )}
      </Row>
      <Space wrap>
        <Button type="primary" htmlType="submit" icon={<SearchOutlined />} loading={loading}>
          {t("actions.search", { ns: "common" })}
        </Button>
        <Button
          onClick={() => {
            form.resetFields();
            onSearch(toFilter(INITIAL));
          }}
        >
          {t("actions.reset", { ns: "common" })}
        </Button>
        <Button icon={<ReloadOutlined />} onClick={onRefresh} loading={loading}>
          {t("actions.refresh", { ns: "common" })}
        </Button>
      </Space>
    </Form>
  );
}
