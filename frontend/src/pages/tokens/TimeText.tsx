// A unix time in a table cell: the date (or date and minute) on one line, the full time on hover.
import { Tooltip, Typography } from "antd";
import { formatTimestamp } from "../../lib/time";

export default function TimeText({ seconds, minute = false, danger = false }: { seconds: number; minute?: boolean; danger?: boolean }) {
  const full = formatTimestamp(seconds);
  return (
    <Tooltip title={full}>
      <Typography.Text type={danger ? "danger" : undefined} style={{ whiteSpace: "nowrap" }}>
        {full.slice(0, minute ? 16 : 10)}
      </Typography.Text>
    </Tooltip>
  );
}
