// Test helpers for the auth and home pages: jsdom shims antd needs, a fake backend behind fetch, and a
// render that wraps a page in the same providers the app uses.
import { configure, render } from "@testing-library/react";
import { App as AntApp } from "antd";
import type { ReactElement } from "react";
import { createMemoryRouter, RouterProvider } from "react-router";
import { vi } from "vitest";
import "../../i18n";
import { SessionProvider, type SystemStatus } from "../../session";

/** Per describe block: jsdom renders of antd forms take seconds, more on a busy machine. */
export const SLOW = { timeout: 60000 };

export function installDomShims() {
  // antd's CSS-in-JS makes the first renders slow in jsdom, more so on a busy machine.
  configure({ asyncUtilTimeout: 8000 });
  if (!window.matchMedia) {
    Object.defineProperty(window, "matchMedia", {
      writable: true,
      value: (query: string) => ({
        matches: false, media: query, onchange: null, addListener: () => {}, removeListener: () => {},
        addEventListener: () => {}, removeEventListener: () => {}, dispatchEvent: () => false,
      }),
    });
  }
  if (!("ResizeObserver" in window)) {
    class ResizeObserverStub {
      observe() {}
      unobserve() {}
      disconnect() {}
    }
    Object.defineProperty(window, "ResizeObserver", { writable: true, value: ResizeObserverStub });
  }
}

export interface Call {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

type Reply = { status?: number; body: { success: boolean; message?: string; data?: unknown } };
type Handler = (call: Call) => Reply;

/** Replaces fetch with a table of "METHOD /path" → handler; unknown routes answer 404. Returns the call log. */
export function fakeBackend(status: SystemStatus, routes: Record<string, Handler> = {}): Call[] {
  const calls: Call[] = [];
  const table: Record<string, Handler> = {
    "GET /api/status": () => ({ body: { success: true, data: status } }),
    "GET /api/user/self": () => ({ status: 401, body: { success: false, message: "Not logged in" } }),
    ...routes,
  };
  vi.stubGlobal(
    "fetch",
    vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = new URL(String(input), "http://localhost");
      const method = init?.method ?? "GET";
      const call = { method, path: url.pathname, query: url.searchParams, body: init?.body ? JSON.parse(String(init.body)) : undefined };
      calls.push(call);
      const handler = table[`${method} ${url.pathname}`];
      const reply = handler ? handler(call) : { status: 404, body: { success: false, message: "not found" } };
      return new Response(JSON.stringify(reply.body), {
        status: reply.status ?? 200,
        headers: { "Content-Type": "application/json" },
      });
    }),
  );
  return calls;
}

/** Renders `element` at `url` inside the app's providers; other paths render their name, to check navigation. */
export function renderAt(url: string, path: string, element: ReactElement) {
  const router = createMemoryRouter(
    [
      { path, element },
      { path: "*", element: <div data-testid="elsewhere">elsewhere</div> },
    ],
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
