// The frame every list page shares: title with Refresh and Add, then a card with the search box
// (and any extra filter controls) above the list itself. Texts come from the page's namespace:
// list.title, list.add, list.searchPlaceholder, list.searchLabel, list.empty, list.noMatch.
import { PlusOutlined, ReloadOutlined } from "@ant-design/icons";
import { Button, Card, Empty, Flex, Grid, Input } from "antd";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import PageHeader from "./PageHeader";

interface Props {
  ns: string;
  addPath: string;
  onRefresh: () => void;
  onSearch: (keyword: string) => void;
  searchExtra?: ReactNode;
  children: ReactNode;
}

export default function ListFrame({ ns, addPath, onRefresh, onSearch, searchExtra, children }: Props) {
  const { t } = useTranslation(ns);
  const navigate = useNavigate();
  const phone = !Grid.useBreakpoint().md;
  return (
    <>
      <PageHeader
        title={t("list.title")}
        extra={
          <>
            <Button icon={<ReloadOutlined />} onClick={onRefresh}>
              {t("actions.refresh", { ns: "common" })}
            </Button>
            <Button type="primary" icon={<PlusOutlined />} onClick={() => navigate(addPath)}>
              {t("list.add")}
            </Button>
          </>
        }
      />
      <Card styles={{ body: phone ? { padding: 12 } : undefined }}>
        <Flex wrap gap={8} style={{ marginBottom: 16 }}>
          <Input.Search
            placeholder={t("list.searchPlaceholder")}
            aria-label={t("list.searchLabel")}
            enterButton={t("actions.search", { ns: "common" })}
            allowClear
            onSearch={onSearch}
            style={{ maxWidth: 420 }}
          />
          {searchExtra}
        </Flex>
        {children}
      </Card>
    </>
  );
}

/** What an empty list says: nothing yet, or nothing matching the search. */
export function ListEmpty({ ns, keyword }: { ns: string; keyword?: string }) {
  const { t } = useTranslation(ns);
  return (
    <Empty
      image={Empty.PRESENTED_IMAGE_SIMPLE}
      description={keyword ? t("list.noMatch", { keyword }) : t("list.empty")}
    />
  );
}
