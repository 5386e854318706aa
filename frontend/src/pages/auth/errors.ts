import type { TFunction } from "i18next";

/** The text to show for a failed call: the server's own message, or a plain "cannot reach the server". */
export function errorText(err: unknown, t: TFunction): string {
  const text = err instanceof Error ? err.message : String(err);
  return text === "network" ? t("network", { ns: "common" }) : text;
}
