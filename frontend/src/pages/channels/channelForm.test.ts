import { describe, expect, it } from "vitest";
import {
  buildConfig, checkModelMapping, compactModelMapping, configDefaults, configFields, groupsFit, joinList,
  needsBaseUrl, parseBatchKeys, readConfig, splitList, toFormValues, toPayload,
} from "./channelForm";
import type { Channel, ChannelTypeInfo } from "./types";

const azure: ChannelTypeInfo = {
  id: 3, name: "azure", display_name: "Azure OpenAI", default_base_url: "", default_models: ["gpt-4o"],
  config_schema: { api_version: { label: "API version", default: "2024-03-01-preview" } }, docs_url: "",
};
const openai: ChannelTypeInfo = { ...azure, id: 1, name: "openai", default_base_url: "https://api.openai.com", config_schema: {} };

const stored: Channel = {
  id: 7, type: 3, name: "az", key: "abc…wxyz", status: 1, weight: 2, priority: 5, created_time: 0, test_time: 0,
  response_time: 0, base_url: "https://x.openai.azure.com", other: "", balance: 0, balance_updated_time: 0,
  models: "gpt-4o,gpt-4", group: "default,vip", used_quota: 0, model_mapping: '{"gpt-4":"gpt-4o"}',
  config: '{"api_version":"2024-06-01","region":"eastus"}', system_prompt: "",
};

describe("batch keys", () => {
  it("makes one key per non-empty trimmed line, whatever the line endings", () => {
    expect(parseBatchKeys("  sk-a \r\n\nsk-b\rsk-c\n   \n")).toEqual(["sk-a", "sk-b", "sk-c"]);
  });
  it("finds no key in blank text", () => {
    expect(parseBatchKeys("\n  \n")).toEqual([]);
    expect(parseBatchKeys(undefined)).toEqual([]);
  });
});

describe("model mapping", () => {
  it("accepts empty text and a JSON object of strings", () => {
    expect(checkModelMapping("")).toBeNull();
    expect(checkModelMapping('{"gpt-4": "gpt-4o"}')).toBeNull();
  });
  it("names the problem: syntax, not an object, a value that is not a string, too long", () => {
    expect(checkModelMapping("{gpt-4: 1}")?.kind).toBe("syntax");
    expect(checkModelMapping('["gpt-4"]')).toEqual({ kind: "notObject" });
    expect(checkModelMapping("null")).toEqual({ kind: "notObject" });
    expect(checkModelMapping('{"a": "b", "gpt-4": 4}')).toEqual({ kind: "notString", key: "gpt-4" });
    const long = JSON.stringify(Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`model-${i}`, `target-${i}`])));
    expect(checkModelMapping(long)).toEqual({ kind: "tooLong", max: 1024 });
  });
  it("measures the compact form that is stored, not the pretty one shown", () => {
    const pretty = JSON.stringify(Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`m${i}`, `t${i}`])), null, 8);
    expect(pretty.length).toBeGreaterThan(1024);
    expect(checkModelMapping(pretty)).toBeNull();
    expect(compactModelMapping('{\n  "a": "b"\n}')).toBe('{"a":"b"}');
    expect(compactModelMapping("{ }")).toBe("");
  });
});

describe("lists and groups", () => {
  it("trims and de-duplicates comma lists in order", () => {
    expect(splitList(" a, b,,a ,c ")).toEqual(["a", "b", "c"]);
    expect(joinList(["vip", " default", "vip"])).toBe("vip,default");
  });
  it("keeps the joined groups within the 32-character column", () => {
    expect(groupsFit(["default", "vip", "svip"])).toBe(true);
    expect(groupsFit(["a-rather-long-group-name", "another-one"])).toBe(false);
  });
});

describe("type-described config fields", () => {
  it("reads today's {key: {label, default}} shape", () => {
    expect(configFields(azure.config_schema)).toEqual([
      { key: "api_version", label: "API version", kind: "text", required: false, defaultValue: "2024-03-01-preview",
        help: undefined, placeholder: undefined, options: undefined },
    ]);
    expect(configDefaults(azure)).toEqual({ api_version: "2024-03-01-preview" });
  });
  it("reads a JSON Schema with required fields, enums, secrets and booleans", () => {
    const fields = configFields({
      type: "object", required: ["region"],
      properties: { region: { title: "Region", enum: ["us-east-1", "eu-west-1"] }, sk: { label: "Secret", secret: true },
        beta: { type: "boolean" } },
    });
    expect(fields.map((f) => [f.key, f.label, f.kind, f.required])).toEqual([
      ["region", "Region", "select", true], ["sk", "Secret", "secret", false], ["beta", "beta", "switch", false],
    ]);
  });
  it("keeps stored config keys the form does not show and drops emptied fields", () => {
    const fields = configFields(azure.config_schema);
    expect(JSON.parse(buildConfig(readConfig(stored.config), fields, { api_version: " 2025-01-01 " }))).toEqual({
      api_version: "2025-01-01", region: "eastus" });
    expect(buildConfig({ api_version: "x" }, fields, { api_version: "" })).toBe("");
    expect(readConfig("not json")).toEqual({});
  });
  it("asks for a base URL only when the type has no default", () => {
    expect(needsBaseUrl(azure)).toBe(true);
    expect(needsBaseUrl(openai)).toBe(false);
  });
});

describe("request bodies", () => {
  it("sends every batch key on create and defaults the group", () => {
    const payload = toPayload({ type: 1, name: " n ", group: [], models: ["gpt-4o"], key: "k1\n\n k2 " }, openai);
    expect(payload).toMatchObject({ type: 1, name: "n", group: "default", models: "gpt-4o", key: "k1\nk2", config: "" });
    expect(payload.id).toBeUndefined();
  });
  it("round-trips a stored channel; an empty key on edit keeps the stored one", () => {
    const values = toFormValues(stored, azure);
    expect(values.key).toBe("");
    expect(values.group).toEqual(["default", "vip"]);
    expect(values.config).toEqual({ api_version: "2024-06-01" });
    const payload = toPayload(values, azure, stored);
    expect(payload).toMatchObject({ id: 7, key: "", models: "gpt-4o,gpt-4", group: "default,vip",
      model_mapping: '{"gpt-4":"gpt-4o"}', priority: 5, weight: 2 });
    expect(JSON.parse(payload.config ?? "")).toEqual({ api_version: "2024-06-01", region: "eastus" });
  });
});
