// The log types of the logs table and the query strings of /api/log/ and /api/log/self (+ /stat).
import type { Query } from "../../api/client";

export interface LogRow {
  id: number;
  user_id: number;
  created_at: number;
  type: number;
  content: string;
  username: string;
  token_name: string;
  model_name: string;
  quota: number;
  prompt_tokens: number;
  completion_tokens: number;
  channel: number;
  request_id: string;
  elapsed_time: number;
  is_stream: boolean;
  system_prompt_reset: boolean;
}

/** app/models/log.py: 0 unknown (the filter's "all"), 1 top-up, 2 consume, 3 manage, 4 system, 5 test. */
export const LOG_TYPES = [
  { value: 1, key: "topup", color: "green" },
  { value: 2, key: "consume", color: "blue" },
  { value: 3, key: "manage", color: "orange" },
  { value: 4, key: "system", color: "purple" },
  { value: 5, key: "test", color: "cyan" },
] as const;

export function logType(value: number) {
  return LOG_TYPES.find((type) => type.value === value) ?? { value, key: "unknown", color: "default" };
}

export interface LogFilter {
  tokenName?: string;
  modelName?: string;
  /** Unix seconds; 0 or undefined = open-ended. */
  start?: number;
  end?: number;
  type?: number;
  channel?: number | null;
  username?: string;
}

/** The filter as query parameters: blanks dropped; channel and username only for admins (the self routes take no username). */
export function filterQuery(filter: LogFilter, isAdmin: boolean): Query {
  const query: Query = {
    token_name: filter.tokenName?.trim() || undefined,
    model_name: filter.modelName?.trim() || undefined,
    start_timestamp: filter.start || undefined,
    end_timestamp: filter.end || undefined,
    type: filter.type || undefined,
  };
  if (isAdmin) {
    query.channel = filter.channel || undefined;
    query.username = filter.username?.trim() || undefined;
  }
  return Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined));
}

export function listPath(isAdmin: boolean): string {
  return isAdmin ? "/api/log/" : "/api/log/self";
}

export function statPath(isAdmin: boolean): string {
  return isAdmin ? "/api/log/stat" : "/api/log/self/stat";
}

/** A stable row key: users' own logs come back with id 0. */
export function rowKey(row: LogRow, index: number): string {
  return row.id ? String(row.id) : `${row.created_at}-${row.request_id || index}-${index}`;
}
