import { describe, expect, it } from "vitest";
import { chatAppLink, fullKey } from "./chatLinks";

const settings = { chatLink: "https://chat.example.com/", serverAddress: "https://api.example.com/", origin: "https://ui.local" };

function settingsOf(link: string): unknown {
  return JSON.parse(new URL(link.replace("/#/", "/")).searchParams.get("settings") ?? "null");
}

describe("chat deep links", () => {
  it("adds the sk- prefix once", () => {
    expect(fullKey("abc")).toBe("sk-abc");
    expect(fullKey("sk-abc")).toBe("sk-abc");
  });
  it("gives NextChat the key and the server address", () => {
    const link = chatAppLink("nextchat", "abc", settings)!;
    expect(link.startsWith("https://chat.example.com/#/?settings=")).toBe(true);
    expect(settingsOf(link)).toEqual({ key: "sk-abc", url: "https://api.example.com" });
  });
  it("gives Lobe an OpenAI key vault pointing at /v1", () => {
    const link = chatAppLink("lobe", "abc", settings)!;
    expect(settingsOf(link)).toEqual({ keyVaults: { openai: { apiKey: "sk-abc", baseURL: "https://api.example.com/v1" } } });
  });
  it("falls back to the page origin without a server address", () => {
    const link = chatAppLink("nextchat", "abc", { ...settings, serverAddress: "" })!;
    expect(settingsOf(link)).toEqual({ key: "sk-abc", url: "https://ui.local" });
  });
  it("offers no link without a chat link", () => {
    expect(chatAppLink("lobe", "abc", { origin: "https://ui.local" })).toBeNull();
  });
});
