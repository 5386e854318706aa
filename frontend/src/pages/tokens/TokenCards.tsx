// API keys as cards, for phones: every fact and action of a table row without sideways scrolling.
import { Card, Descriptions, Flex, Pagination, Spin, type TablePaginationConfig } from "antd";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { formatQuota } from "../../lib/quota";
import { useSession } from "../../session";
import TimeText from "./TimeText";
import TokenActions from "./TokenActions";
import { ExpiryText, NameCell, RemainingText, TokenStatusTag } from "./tokenColumns";
import type { Token } from "./types";

interface Props {
  rows: Token[];
  loading: boolean;
  pagination: TablePaginationConfig;
  empty: ReactNode;
  onChanged: (id: number, patch: Partial<Token>) => void;
  onDeleted: () => void;
}

export default function TokenCards({ rows, loading, pagination, empty, onChanged, onDeleted }: Props) {
  const { t } = useTranslation("tokens");
  const { status } = useSession();
  const pageSize = pagination.pageSize ?? 10;
  const current = pagination.current ?? 1;
  // Search results arrive whole and are paged here; a server page arrives already cut.
  const visible = rows.length > pageSize ? rows.slice((current - 1) * pageSize, current * pageSize) : rows;
  return (
    <Spin spinning={loading}>
      <Flex vertical gap={12}>
        {visible.length === 0 && !loading && empty}
        {visible.map((token) => (
          <Card key={token.id} size="small" title={<NameCell token={token} t={t} />} extra={<TokenStatusTag status={token.status} t={t} />}>
            <Descriptions
              size="small"
              layout="vertical"
              column={2}
              items={[
                { key: "remain", label: t("fields.remainQuota"), children: <RemainingText token={token} display={status} t={t} /> },
                { key: "used", label: t("fields.usedQuota"), children: formatQuota(token.used_quota, status) },
                { key: "created", label: t("fields.created"), children: <TimeText seconds={token.created_time} /> },
                { key: "expires", label: t("fields.expires"), children: <ExpiryText seconds={token.expired_time} t={t} /> },
              ]}
            />
            <Flex justify="end" style={{ marginTop: 8 }}>
              <TokenActions token={token} onChanged={(patch) => onChanged(token.id, patch)} onDeleted={onDeleted} />
            </Flex>
          </Card>
        ))}
        {(pagination.total ?? 0) > pageSize && (
          <Pagination
            simple
            align="center"
            current={current}
            pageSize={pageSize}
            total={pagination.total}
            onChange={pagination.onChange}
          />
        )}
      </Flex>
    </Spin>
  );
}
