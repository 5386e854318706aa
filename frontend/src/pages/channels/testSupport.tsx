// Test helpers for the channel pages: jsdom shims antd needs (with a settable screen width), a fake
// backend behind fetch, and a render inside the app's providers.
import { configure, render } from "@testing-library/react";
import { App as AntApp } from "antd";
import type { ReactElement } from "react";
import { createMemoryRouter, RouterProvider } from "react-router";
import { vi } from "vitest";
import "../../i18n";
import { SessionProvider } from "../../session";
import type { Channel, ChannelTypeInfo } from "./types";

export const SLOW = { timeout: 60000 };
let screenWidth = 1280;

/** Media queries answer as a screen this wide would (antd's breakpoints use min-width / max-width). */
export function setScreenWidth(width: number) {
  screenWidth = width;
}

function matches(query: string): boolean {
  const min = /min-width:\s*(\d+)px/.exec(query);
  const max = /max-width:\s*(\d+)px/.exec(query);
  return (!min || screenWidth >= Number(min[1])) && (!max || screenWidth <= Number(max[1]));
}

export function installDomShims() {
  configure({ asyncUtilTimeout: 8000 });
  Object.defineProperty(window, "matchMedia", {
    writable: true,
    value: (query: string) => ({
      matches: matches(query), media: query, onchange: null, addListener: () => {}, removeListener: () => {},
      addEventListener: () => {}, removeEventListener: () => {}, dispatchEvent: () => false,
    }),
  });
  if (!("ResizeObserver" in window)) {
    class ResizeObserverStub {
      observe() {}
      unobserve() {}
      disconnect() {}
    }
    Object.defineProperty(window, "ResizeObserver", { writable: true, value: ResizeObserverStub });
  }
  // jsdom's getComputedStyle walks every stylesheet, and antd injects hundreds; autosizing textareas call it
  // on each keystroke. Inline styles are all these tests need.
  window.getComputedStyle = (element: Element) => (element as HTMLElement).style;
}

export interface Call {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

type Reply = { status?: number; body: unknown };
type Handler = (call: Call) => Reply;

/** fetch answers from "METHOD /path" handlers; the session and type catalogue are built in. */
export function fakeBackend(routes: Record<string, Handler> = {}): Call[] {
  const calls: Call[] = [];
  const ok = (data: unknown, extra: object = {}) => ({ body: { success: true, message: "", data, ...extra } });
  const table: Record<string, Handler> = {
    "GET /api/status": () => ok({ quota_per_unit: 500000, display_in_currency: true }),
    "GET /api/user/self": () => ok({ id: 1, username: "root", role: 100, status: 1 }),
    "GET /api/channel/types": () => ok(TYPES),
    "GET /api/group/": () => ok(["default", "vip"]),
    "GET /api/channel/models": () => ({ body: { object: "list", data: [{ id: "gpt-4o" }, { id: "claude-3" }] } }),
    ...routes,
  };
  vi.stubGlobal("fetch", vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), "http://localhost");
    const method = init?.method ?? "GET";
    const call = { method, path: url.pathname, query: url.searchParams, body: init?.body ? JSON.parse(String(init.body)) : undefined };
    calls.push(call);
    const handler = table[`${method} ${url.pathname}`];
    const reply = handler ? handler(call) : { status: 404, body: { success: false, message: "not found" } };
    return new Response(JSON.stringify(reply.body), { status: reply.status ?? 200, headers: { "Content-Type": "application/json" } });
  }));
  return calls;
}

export function renderAt(url: string, path: string, element: ReactElement) {
  const router = createMemoryRouter(
    [{ path, element }, { path: "*", element: <div>elsewhere</div> }],
    { initialEntries: [url] },
  );
  render(
    <AntApp>
      <SessionProvider>
        <RouterProvider router={router} />
      </SessionProvider>
    </AntApp>,
  );
  return router;
}

export const TYPES: ChannelTypeInfo[] = [
  { id: 1, name: "openai", display_name: "OpenAI", default_base_url: "https://api.openai.com",
    default_models: ["gpt-4o", "gpt-4o-mini"], config_schema: {}, docs_url: "https://platform.openai.com/docs" },
  { id: 3, name: "azure", display_name: "Azure OpenAI", default_base_url: "", default_models: ["gpt-4o"],
    config_schema: { api_version: { label: "API version", default: "2024-03-01-preview" } }, docs_url: "" },
];

export function channel(overrides: Partial<Channel> = {}): Channel {
  return {
    id: 1, type: 1, name: "main", key: "sk-…abcd", status: 1, weight: 0, priority: 0, created_time: 0, test_time: 0,
    response_time: 0, base_url: "", other: "", balance: 0, balance_updated_time: 0, models: "gpt-4o,gpt-4o-mini",
    group: "default", used_quota: 0, model_mapping: "", config: "", system_prompt: "", ...overrides,
  };
}
