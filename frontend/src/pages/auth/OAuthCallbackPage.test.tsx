import { cleanup, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import OAuthCallbackPage from "./OAuthCallbackPage";
import { fakeBackend, installDomShims, renderAt, SLOW } from "./testUtils";

beforeAll(installDomShims);
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe("OAuthCallbackPage", SLOW, () => {
  it("passes code and state on, and a bind reply goes to the settings", async () => {
    const calls = fakeBackend({}, { "GET /api/oauth/github": () => ({ body: { success: true, message: "bind" } }) });
    const router = renderAt("/oauth/github?code=c1&state=s1", "/oauth/:provider", <OAuthCallbackPage />);
    await waitFor(() => expect(router.state.location.pathname).toBe("/setting"));
    const call = calls.find((c) => c.path === "/api/oauth/github");
    expect(call?.query.get("code")).toBe("c1");
    expect(call?.query.get("state")).toBe("s1");
  });

  it("signs in and goes to the dashboard", async () => {
    fakeBackend({}, { "GET /api/oauth/lark": () => ({ body: { success: true, data: { id: 3 } } }) });
    const router = renderAt("/oauth/lark?code=c2&state=s2", "/oauth/:provider", <OAuthCallbackPage />);
    await waitFor(() => expect(router.state.location.pathname).toBe("/dashboard"));
  });

  it("shows a state mismatch at once, without retrying", async () => {
    const calls = fakeBackend({}, {
      "GET /api/oauth/oidc": () => ({ status: 403, body: { success: false, message: "state is empty or not same" } }),
    });
    renderAt("/oauth/oidc?code=c3&state=bad", "/oauth/:provider", <OAuthCallbackPage />);
    expect(await screen.findByText("state is empty or not same")).toBeTruthy();
    expect(calls.filter((c) => c.path === "/api/oauth/oidc")).toHaveLength(1);
  });
});
