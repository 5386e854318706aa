// Usage per model per day as stacked bars; the metric (requests, quota or tokens) is switchable.
import { Card, Segmented } from "antd";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatQuota } from "../../lib/quota";
import { useSession } from "../../session";
import { modelSeries, OTHER_MODELS, shortDay, type DashboardRow, type Metric } from "./series";
import { compactNumber } from "./TrendCharts";

const PALETTE = ["#3b5bdb", "#1098ad", "#f08c00", "#ae3ec9", "#2f9e44", "#e8590c", "#d6336c", "#5c940d", "#868e96"];

export default function ModelUsageChart({ rows, days }: { rows: DashboardRow[]; days: string[] }) {
  const { t } = useTranslation("dashboard");
  const { status } = useSession();
  const [metric, setMetric] = useState<Metric>("requests");
  const { models, points } = useMemo(() => modelSeries(rows, days, metric), [rows, days, metric]);
  const format = (value: number) => (metric === "quota" ? formatQuota(value, status) : value.toLocaleString("en-US"));
  const tick = (value: number) => (metric === "quota" && status.display_in_currency ? format(value) : compactNumber(value));
  const label = (name: string) => (name === OTHER_MODELS ? t("otherModels") : name || t("unknownModel"));
  return (
    <Card
      size="small"
      title={t("charts.models")}
      extra={
        <Segmented<Metric>
          size="small"
          value={metric}
          onChange={setMetric}
          options={(["requests", "quota", "tokens"] as const).map((value) => ({ value, label: t(`series.${value}`) }))}
        />
      }
    >
      <div style={{ width: "100%", height: 320 }}>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={points} margin={{ top: 8, right: 12, left: 0, bottom: 0 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="day" tickFormatter={shortDay} fontSize={12} />
            <YAxis tickFormatter={tick} fontSize={12} width={56} allowDecimals={false} />
            <Tooltip formatter={(value, name) => [format(Number(value ?? 0)), name]} />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            {models.map((model, index) => (
              <Bar
                key={model.key}
                dataKey={model.key}
                name={label(model.name)}
                stackId="models"
                fill={PALETTE[index % PALETTE.length]}
                maxBarSize={48}
              />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
    </Card>
  );
}
