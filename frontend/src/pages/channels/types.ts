// Shapes of the channel API (app/api/channels.py, app/api/models.py) as the pages use them.

export const STATUS_ENABLED = 1;
export const STATUS_MANUALLY_DISABLED = 2;
export const STATUS_AUTO_DISABLED = 3;

export interface Channel {
  id: number;
  type: number;
  name: string;
  /** Masked ("sk-…abcd"): the API never returns a usable key. */
  key: string;
  status: number;
  weight: number;
  priority: number;
  created_time: number;
  test_time: number;
  /** Milliseconds taken by the last successful test; 0 when it failed or never ran. */
  response_time: number;
  base_url: string;
  other: string;
  /** In the provider's own currency. */
  balance: number;
  balance_updated_time: number;
  /** Comma-separated. */
  models: string;
  /** Comma-separated. */
  group: string;
  used_quota: number;
  /** JSON object text or "". */
  model_mapping: string;
  /** JSON object text or "". */
  config: string;
  system_prompt: string;
}

/** One entry of GET /api/channel/types: everything the UI knows about a provider. */
export interface ChannelTypeInfo {
  id: number;
  name: string;
  display_name: string;
  default_base_url: string;
  default_models: string[];
  /** Extra config fields, e.g. {"api_version": {"label": "API version", "default": "…"}}. */
  config_schema: Record<string, unknown>;
  docs_url: string;
}
