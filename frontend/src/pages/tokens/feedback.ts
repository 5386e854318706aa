// Turns a failed API call into the text to show: the server's own message, or "cannot reach the server".
import { ApiError } from "../../api/client";
import i18n from "../../i18n";

export function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.status === 0 ? i18n.t("network", { ns: "common" }) : err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
