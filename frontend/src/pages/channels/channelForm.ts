// Pure rules of the channel form: lists, batch keys, model mapping, type-described config fields and
// the request body. Kept apart from the components so Vitest can check them without a browser.
import type { ChannelPayload } from "./channelApi";
import type { Channel, ChannelTypeInfo } from "./types";

export const MAX_GROUP_TEXT = 32; // channels.group is varchar(32): the comma-joined groups must fit
export const MAX_MODEL_MAPPING = 1024; // channels.model_mapping is varchar(1024)

/** A comma list, trimmed and de-duplicated in order, as the backend stores it. */
export function splitList(text: string | null | undefined): string[] {
  const seen = new Set<string>();
  for (const part of (text ?? "").split(",")) {
    const item = part.trim();
    if (item) seen.add(item);
  }
  return [...seen];
}

export function joinList(items: readonly string[]): string {
  return splitList(items.join(",")).join(",");
}

/** The keys POST /api/channel/ will turn into channels: one per non-empty line, trimmed. */
export function parseBatchKeys(text: string | null | undefined): string[] {
  return (text ?? "")
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

export type MappingProblem =
  | { kind: "syntax"; detail: string }
  | { kind: "notObject" }
  | { kind: "notString"; key: string }
  | { kind: "tooLong"; max: number };

/** null when the text is acceptable (empty, or a JSON object of strings that fits the column). */
export function checkModelMapping(text: string | null | undefined): MappingProblem | null {
  const value = (text ?? "").trim();
  if (!value) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (err) {
    return { kind: "syntax", detail: err instanceof Error ? err.message : String(err) };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return { kind: "notObject" };
  for (const [key, item] of Object.entries(parsed)) {
    if (typeof item !== "string") return { kind: "notString", key };
  }
  // Stored compact (see compactModelMapping), so that is the length that must fit.
  if (JSON.stringify(parsed).length > MAX_MODEL_MAPPING) return { kind: "tooLong", max: MAX_MODEL_MAPPING };
  return null;
}

/** Valid mapping JSON without the spaces the editor shows, so more of it fits the column. */
export function compactModelMapping(text: string | null | undefined): string {
  const value = (text ?? "").trim();
  if (!value || checkModelMapping(value) !== null) return value;
  const compact = JSON.stringify(JSON.parse(value));
  return compact === "{}" ? "" : compact;
}

/** Pretty-prints valid mapping JSON; leaves anything else as typed. */
export function formatModelMapping(text: string): string {
  if (checkModelMapping(text) !== null || !text.trim()) return text;
  return JSON.stringify(JSON.parse(text), null, 2);
}

export function groupsFit(groups: readonly string[]): boolean {
  return joinList(groups).length <= MAX_GROUP_TEXT;
}

export type ConfigFieldKind = "text" | "textarea" | "secret" | "select" | "number" | "switch";

/** One extra field a channel type asks for, read from its config_schema. */
export interface ConfigField {
  key: string;
  label: string;
  kind: ConfigFieldKind;
  required: boolean;
  defaultValue?: string;
  help?: string;
  placeholder?: string;
  options?: string[];
}

const asRecord = (value: unknown): Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
const asText = (value: unknown): string | undefined =>
  typeof value === "string" ? value : typeof value === "number" || typeof value === "boolean" ? String(value) : undefined;

function fieldKind(spec: Record<string, unknown>): ConfigFieldKind {
  if (Array.isArray(spec.enum)) return "select";
  if (spec.type === "boolean") return "switch";
  if (spec.type === "integer" || spec.type === "number") return "number";
  if (spec.secret === true || spec.format === "password") return "secret";
  if (spec.multiline === true || spec.format === "textarea") return "textarea";
  return "text";
}

/**
 * The fields of a type's config_schema. Today's shape is {key: {label, default}}; a JSON Schema object
 * ({properties, required}) and richer field specs (description, placeholder, enum, type, required,
 * secret) are read too, so a provider that describes more gets a better form without UI changes.
 */
export function configFields(schema: unknown): ConfigField[] {
  const root = asRecord(schema);
  const properties = "properties" in root ? asRecord(root.properties) : root;
  const requiredList = Array.isArray(root.required) ? root.required.filter((k) => typeof k === "string") : [];
  return Object.entries(properties).map(([key, raw]) => {
    const spec = typeof raw === "string" ? { label: raw } : asRecord(raw);
    return {
      key,
      label: asText(spec.label) ?? asText(spec.title) ?? key,
      kind: fieldKind(spec),
      required: spec.required === true || requiredList.includes(key),
      defaultValue: asText(spec.default),
      help: asText(spec.description) ?? asText(spec.help),
      placeholder: asText(spec.placeholder),
      options: Array.isArray(spec.enum) ? spec.enum.map((option) => String(option)) : undefined,
    };
  });
}

/** A stored config (JSON object text) as strings; anything unreadable counts as empty. */
export function readConfig(text: string | null | undefined): Record<string, string> {
  if (!text?.trim()) return {};
  try {
    const parsed = asRecord(JSON.parse(text));
    const config: Record<string, string> = {};
    for (const [key, value] of Object.entries(parsed)) {
      const item = asText(value);
      if (item !== undefined) config[key] = item;
    }
    return config;
  } catch {
    return {};
  }
}

export type ConfigValues = Record<string, string | number | boolean | null | undefined>;

/**
 * The config to store: keys the form does not show are kept from the stored config, the type's fields
 * are set from the form (the backend wants string values) and cleared when left empty.
 */
export function buildConfig(stored: Record<string, string>, fields: ConfigField[], values: ConfigValues): string {
  const config: Record<string, string> = { ...stored };
  for (const field of fields) {
    const value = values[field.key];
    const text = value === null || value === undefined ? "" : String(value).trim();
    if (text) config[field.key] = text;
    else delete config[field.key];
  }
  return Object.keys(config).length ? JSON.stringify(config) : "";
}

export interface ChannelFormValues {
  type: number;
  name: string;
  group: string[];
  base_url?: string;
  config?: ConfigValues;
  models: string[];
  model_mapping?: string;
  system_prompt?: string;
  key?: string;
  priority?: number | null;
  weight?: number | null;
}

/** Form values → the body of POST or PUT /api/channel/ (PUT adds the id; an empty key keeps the old one). */
export function toPayload(values: ChannelFormValues, type: ChannelTypeInfo | undefined, stored?: Channel): ChannelPayload {
  const fields = configFields(type?.config_schema);
  const payload: ChannelPayload = {
    type: values.type,
    name: values.name.trim(),
    group: joinList(values.group.length ? values.group : ["default"]),
    base_url: (values.base_url ?? "").trim(),
    models: joinList(values.models),
    model_mapping: compactModelMapping(values.model_mapping),
    system_prompt: (values.system_prompt ?? "").trim(),
    config: buildConfig(readConfig(stored?.config), fields, values.config ?? {}),
    priority: values.priority ?? 0,
    weight: values.weight ?? 0,
    key: stored ? (values.key ?? "").trim() : parseBatchKeys(values.key).join("\n"),
  };
  if (stored) payload.id = stored.id;
  return payload;
}

/** A stored channel → initial form values (the key stays empty: the stored one is never shown). */
export function toFormValues(channel: Channel, type: ChannelTypeInfo | undefined): ChannelFormValues {
  const config = readConfig(channel.config);
  const configValues: ConfigValues = {};
  for (const field of configFields(type?.config_schema)) {
    const value = config[field.key];
    if (value === undefined) continue;
    configValues[field.key] =
      field.kind === "switch" ? value === "true" : field.kind === "number" && value !== "" ? Number(value) : value;
  }
  return {
    type: channel.type,
    name: channel.name,
    group: splitList(channel.group),
    base_url: channel.base_url,
    config: configValues,
    models: splitList(channel.models),
    model_mapping: formatModelMapping(channel.model_mapping ?? ""),
    system_prompt: channel.system_prompt ?? "",
    key: "",
    priority: channel.priority,
    weight: channel.weight,
  };
}

/** Defaults of a type's config fields, for a new channel or a change of type. */
export function configDefaults(type: ChannelTypeInfo | undefined): ConfigValues {
  const values: ConfigValues = {};
  for (const field of configFields(type?.config_schema)) {
    if (field.defaultValue === undefined) continue;
    values[field.key] =
      field.kind === "switch" ? field.defaultValue === "true" : field.kind === "number" ? Number(field.defaultValue) : field.defaultValue;
  }
  return values;
}

/** A base URL is required when the type has none of its own (Azure, Custom, OpenAI compatible…). */
export function needsBaseUrl(type: ChannelTypeInfo | undefined): boolean {
  return !!type && !type.default_base_url;
}
