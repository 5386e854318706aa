// A page's visible title with its main actions beside it (below it on a phone).
import { Flex, Typography } from "antd";
import type { ReactNode } from "react";

export default function PageHeader({ title, extra }: { title: ReactNode; extra?: ReactNode }) {
  return (
    <Flex justify="space-between" align="center" wrap gap={12} style={{ marginBottom: 16 }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {title}
      </Typography.Title>
      {extra && (
        <Flex wrap gap={8} align="center">
          {extra}
        </Flex>
      )}
    </Flex>
  );
}
