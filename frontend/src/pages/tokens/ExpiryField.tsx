// Expiry: a date-time picker plus quick choices (never, 1 month, 1 day, 1 hour). Value: unix seconds or -1.
import { Button, DatePicker, Flex } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useTranslation } from "react-i18next";
import { QUICK_EXPIRIES, quickExpiry } from "./expiry";
import { NEVER_EXPIRES } from "./types";

interface Props {
  id?: string;
  value?: number;
  onChange?: (value: number) => void;
}

export default function ExpiryField({ id, value = NEVER_EXPIRES, onChange }: Props) {
  const { t } = useTranslation("tokens");
  const never = value === NEVER_EXPIRES;
  const picked = never ? null : dayjs.unix(value);
  return (
    <Flex vertical gap={8}>
      <DatePicker
        id={id}
        showTime={{ format: "HH:mm" }}
        format="YYYY-MM-DD HH:mm"
        value={picked}
        placeholder={t("edit.neverExpires")}
        disabledDate={(day: Dayjs) => day.endOf("day").isBefore(dayjs())}
        onChange={(day: Dayjs | null) => onChange?.(day ? day.unix() : NEVER_EXPIRES)}
        style={{ width: "100%", maxWidth: 320 }}
      />
      <Flex wrap gap={8} align="center">
        {QUICK_EXPIRIES.map((choice) => (
          <Button
            key={choice}
            size="small"
            type={choice === "never" && never ? "primary" : "default"}
            ghost={choice === "never" && never}
            onClick={() => onChange?.(quickExpiry(choice))}
          >
            {t(`edit.quick.${choice}`)}
          </Button>
        ))}
      </Flex>
    </Flex>
  );
}
