// A whole-number quota field that shows what the amount is worth in dollars as you type.
import { InputNumber, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { quotaToDollars } from "../../lib/quota";
import { useSession } from "../../session";

interface Props {
  id?: string;
  value?: number | null;
  onChange?: (value: number | null) => void;
  disabled?: boolean;
  min?: number;
  max?: number;
}

export function dollarsText(quota: number, perUnit: number | undefined): string {
  const dollars = quotaToDollars(quota, { quota_per_unit: perUnit });
  return `$${dollars.toLocaleString("en-US", { maximumFractionDigits: dollars >= 1 ? 2 : 6 })}`;
}

export default function QuotaInput({ id, value, onChange, disabled, min = 0, max }: Props) {
  const { t } = useTranslation("tokens");
  const { status } = useSession();
  return (
    <div>
      <InputNumber<number>
        id={id}
        value={value}
        onChange={onChange}
        disabled={disabled}
        min={min}
        max={max}
        precision={0}
        step={status.quota_per_unit || 500000}
        style={{ width: "100%", maxWidth: 320 }}
      />
      {typeof value === "number" && !disabled && (
        <Typography.Text type="secondary" style={{ display: "block", marginTop: 4 }}>
          {t("shared.worth", { amount: dollarsText(value, status.quota_per_unit) })}
        </Typography.Text>
      )}
    </div>
  );
}
