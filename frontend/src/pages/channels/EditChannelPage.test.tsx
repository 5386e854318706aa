import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import EditChannelPage from "./EditChannelPage";
import { channel, fakeBackend, installDomShims, renderAt, SLOW } from "./testSupport";
import { resetChannelTypesCache } from "./useChannelTypes";

beforeAll(installDomShims);
beforeEach(() => {
  localStorage.clear();
  resetChannelTypesCache();
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const fill = (label: string | RegExp, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });
const button = async (text: string) => (await screen.findByText(text, { selector: "button span" })).closest("button")!;

describe("EditChannelPage", SLOW, () => {
  it("creates one channel per key line and refuses a bad model mapping first", async () => {
    const calls = fakeBackend({
      "POST /api/channel/": () => ({ body: { success: true, data: [channel({ id: 5 }), channel({ id: 6 })] } }),
    });
    const router = renderAt("/channel/add", "/channel/add", <EditChannelPage />);
    await screen.findByLabelText("Name");
    fill("Name", "batch");
    fill("Key", "sk-one\n\n  sk-two  \n");
    expect(await screen.findByText("2 keys: 2 channels will be created, one per line.")).toBeTruthy();
    fill("Model mapping", '{"gpt-4": 4}');
    fireEvent.click(await button("Create"));
    expect(await screen.findByText('Model mapping: the value of "gpt-4" must be a model name in quotes')).toBeTruthy();
    expect(calls.some((call) => call.method === "POST")).toBe(false);

    fill("Model mapping", '{\n  "gpt-4": "gpt-4o"\n}');
    fireEvent.click(await button("Create"));
    await waitFor(() => expect(router.state.location.pathname).toBe("/channel"));
    const created = calls.find((call) => call.method === "POST" && call.path === "/api/channel/");
    expect(created?.body).toMatchObject({
      type: 1, name: "batch", key: "sk-one\nsk-two", group: "default", models: "gpt-4o,gpt-4o-mini",
      model_mapping: '{"gpt-4":"gpt-4o"}', base_url: "", config: "",
    });
  });

  it("edits with the type's own fields and keeps the stored key when the field stays blank", async () => {
    const stored = channel({ id: 9, type: 3, name: "az", key: "abc…wxyz", base_url: "https://x.openai.azure.com",
      config: '{"api_version":"2024-06-01","region":"eastus"}', models: "gpt-4o" });
    const calls = fakeBackend({
      "GET /api/channel/9": () => ({ body: { success: true, data: stored } }),
      "PUT /api/channel/": () => ({ body: { success: true, data: stored } }),
    });
    const router = renderAt("/channel/edit/9", "/channel/edit/:id", <EditChannelPage />);
    const version = (await screen.findByLabelText("API version")) as HTMLInputElement;
    expect(version.value).toBe("2024-06-01");
    expect(screen.getByText("Leave blank to keep the current key (abc…wxyz).")).toBeTruthy();
    fill("API version", "2025-01-01");
    fireEvent.click(await button("Save"));
    await waitFor(() => expect(router.state.location.pathname).toBe("/channel"));
    const saved = calls.find((call) => call.method === "PUT");
    expect(saved?.body).toMatchObject({ id: 9, type: 3, key: "", base_url: "https://x.openai.azure.com" });
    expect(JSON.parse((saved?.body as { config: string }).config)).toEqual({ api_version: "2025-01-01", region: "eastus" });
  });

  it("says so when the channel cannot be loaded", async () => {
    fakeBackend({ "GET /api/channel/404": () => ({ status: 404, body: { success: false, message: "Channel not found." } }) });
    renderAt("/channel/edit/404", "/channel/edit/:id", <EditChannelPage />);
    expect(await screen.findByText("The channel could not be loaded")).toBeTruthy();
    expect(screen.getByText("Channel not found.")).toBeTruthy();
  });
});
