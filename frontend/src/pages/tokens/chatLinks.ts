// What the copy menu puts on the clipboard: the raw key, or a link that opens a chat app already
// configured with this gateway and key (NextChat and Lobe read a `settings` JSON from the URL).
export interface LinkSettings {
  chatLink?: string;
  serverAddress?: string;
  /** Used when the admin has not set ServerAddress. */
  origin: string;
}

export type ChatApp = "nextchat" | "lobe";

const trimSlash = (url: string) => url.trim().replace(/\/+$/, "");

export function fullKey(key: string): string {
  return key.startsWith("sk-") ? key : `sk-${key}`;
}

export function chatAppLink(app: ChatApp, key: string, settings: LinkSettings): string | null {
  if (!settings.chatLink?.trim()) return null;
  const chat = trimSlash(settings.chatLink);
  const server = trimSlash(settings.serverAddress || settings.origin);
  const apiKey = fullKey(key);
  if (app === "nextchat") {
    return `${chat}/#/?settings=${encodeURIComponent(JSON.stringify({ key: apiKey, url: server }))}`;
  }
  const lobe = { keyVaults: { openai: { apiKey, baseURL: `${server}/v1` } } };
  return `${chat}/?settings=${encodeURIComponent(JSON.stringify(lobe))}`;
}
