// What the home page tells API users: the base URL of this gateway and a first request against it.
import { copyText } from "../../lib/clipboard";

/** The OpenAI base URL as the visitor reaches this site. */
export function baseUrl(): string {
  return `${window.location.origin}/v1`;
}

export function curlExample(base: string): string {
  return [
    `curl ${base}/chat/completions \\`,
    `  -H "Authorization: Bearer $API_KEY" \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -d '{"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Hello!"}]}'`,
  ].join("\n");
}

export async function copyWithFeedback(text: string, notify: (ok: boolean) => void) {
  notify(await copyText(text));
}
