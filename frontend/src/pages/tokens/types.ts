// The relay key as /api/token returns it (`key` without "sk-"; masked in lists).
export interface Token {
  id: number;
  user_id: number;
  key: string;
  status: number;
  name: string;
  created_time: number;
  accessed_time: number;
  expired_time: number;
  remain_quota: number;
  unlimited_quota: boolean;
  used_quota: number;
  models: string;
  subnet: string;
}

export const TOKEN_ENABLED = 1;
export const TOKEN_DISABLED = 2;
export const TOKEN_EXPIRED = 3;
export const TOKEN_EXHAUSTED = 4;
export const NEVER_EXPIRES = -1;
/** What a new key starts with (One API's default). */
export const DEFAULT_NEW_QUOTA = 500000;

/** Comma-separated lists as the API stores them ↔ the arrays the form edits. */
export function splitList(text: string | null | undefined): string[] {
  return (text ?? "")
    .split(/[,，\n]/)
    .map((part) => part.trim())
    .filter(Boolean);
}
