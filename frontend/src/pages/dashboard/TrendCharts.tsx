// Daily trends over the window: requests (line), quota (area) and prompt/completion tokens (stacked area).
import { Card, Col, Row } from "antd";
import type { ReactElement } from "react";
import { useTranslation } from "react-i18next";
import {
  Area, AreaChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis,
} from "recharts";
import { formatQuota, quotaToDollars } from "../../lib/quota";
import { useSession } from "../../session";
import { shortDay, type DayPoint } from "./series";

const CHART_HEIGHT = 240;
const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });
export const compactNumber = (value: number) => compact.format(value);
const smallDollars = new Intl.NumberFormat("en-US", { maximumSignificantDigits: 2 });
const dollarTick = (dollars: number) =>
  `$${Math.abs(dollars) >= 1 || dollars === 0 ? compact.format(dollars) : smallDollars.format(dollars)}`;
const plainNumber = (value: unknown) => Number(value ?? 0).toLocaleString("en-US");

function ChartCard({ title, children }: { title: string; children: ReactElement }) {
  return (
    <Card size="small" title={title} style={{ height: "100%" }}>
      <div style={{ width: "100%", height: CHART_HEIGHT }}>
        <ResponsiveContainer width="100%" height="100%">{children}</ResponsiveContainer>
      </div>
    </Card>
  );
}

const axes = (format: (value: number) => string = compactNumber, width = 56) => [
  <CartesianGrid key="grid" strokeDasharray="3 3" vertical={false} />,
  <XAxis key="x" dataKey="day" tickFormatter={shortDay} fontSize={12} padding={{ left: 8, right: 8 }} />,
  <YAxis key="y" tickFormatter={format} fontSize={12} width={width} allowDecimals={false} />,
];

export default function TrendCharts({ points }: { points: DayPoint[] }) {
  const { t } = useTranslation("dashboard");
  const { status } = useSession();
  const quota = (value: number) => formatQuota(value, status);
  // Axis ticks stay short: "$1.2K", "$0.00016" (two significant digits), or compact units.
  const quotaTick = (value: number) => (status.display_in_currency ? dollarTick(quotaToDollars(value, status)) : compactNumber(value));
  return (
    <Row gutter={[12, 12]}>
      <Col xs={24} lg={8}>
        <ChartCard title={t("charts.requests")}>
          <LineChart data={points} margin={{ top: 8, right: 12, left: 0, bottom: 0 }}>
            {axes()}
            <Tooltip formatter={(value) => [plainNumber(value), t("series.requests")]} />
            <Line type="monotone" dataKey="requests" name={t("series.requests")} stroke="#1098ad" strokeWidth={2} dot={{ r: 3 }} />
          </LineChart>
        </ChartCard>
      </Col>
      <Col xs={24} lg={8}>
        <ChartCard title={t("charts.quota")}>
          <AreaChart data={points} margin={{ top: 8, right: 12, left: 0, bottom: 0 }}>
            <defs>
              <linearGradient id="quotaFill" x1="0" y1="0" x2="0" y2="1">
                <stop offset="5%" stopColor="#ae3ec9" stopOpacity={0.35} />
                <stop offset="95%" stopColor="#ae3ec9" stopOpacity={0.02} />
              </linearGradient>
            </defs>
            {axes(quotaTick, status.display_in_currency ? 72 : 56)}
            <Tooltip formatter={(value) => [quota(Number(value ?? 0)), t("series.quota")]} />
            <Area type="monotone" dataKey="quota" name={t("series.quota")} stroke="#ae3ec9" strokeWidth={2} fill="url(#quotaFill)" />
          </AreaChart>
        </ChartCard>
      </Col>
      <Col xs={24} lg={8}>
        <ChartCard title={t("charts.tokens")}>
          <AreaChart data={points} margin={{ top: 8, right: 12, left: 0, bottom: 0 }}>
            {axes()}
            <Tooltip formatter={(value, name) => [plainNumber(value), name]} />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            <Area type="monotone" stackId="tokens" dataKey="promptTokens" name={t("series.promptTokens")} stroke="#3b5bdb" fill="#3b5bdb" fillOpacity={0.25} />
            <Area type="monotone" stackId="tokens" dataKey="completionTokens" name={t("series.completionTokens")} stroke="#f08c00" fill="#f08c00" fillOpacity={0.25} />
          </AreaChart>
        </ChartCard>
      </Col>
    </Row>
  );
}
