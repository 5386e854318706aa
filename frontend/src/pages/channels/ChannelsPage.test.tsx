import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import ChannelsPage from "./ChannelsPage";
import { channel, fakeBackend, installDomShims, renderAt, setScreenWidth, SLOW } from "./testSupport";
import { resetChannelTypesCache } from "./useChannelTypes";

beforeAll(installDomShims);
beforeEach(() => {
  localStorage.clear();
  resetChannelTypesCache();
  setScreenWidth(1280);
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const button = async (text: string, scope: HTMLElement = document.body) =>
  (await within(scope).findByText(text, { selector: "button span" })).closest("button")!;
const rows = [
  channel({ id: 2, name: "azure-east", type: 3, status: 3, response_time: 0 }),
  channel({ id: 1, name: "main", priority: 5, response_time: 640, used_quota: 750000 }),
];

describe("ChannelsPage", SLOW, () => {
  it("pages through the server, names types, tests a channel and saves an inline priority", async () => {
    const calls = fakeBackend({
      "GET /api/channel/": () => ({ body: { success: true, data: rows, total: 12 } }),
      "GET /api/channel/test/2": () => ({ body: { success: false, message: "401 invalid api key", time: 0 } }),
      "PUT /api/channel/": (call) => ({ body: { success: true, data: { ...rows[1], ...(call.body as object) } } }),
    });
    renderAt("/channel", "/channel", <ChannelsPage />);
    expect(await screen.findByText("azure-east")).toBeTruthy();
    expect(await screen.findByText("Azure OpenAI")).toBeTruthy();
    expect(screen.getByText("Auto-disabled")).toBeTruthy();
    expect(screen.getByText("0.64 s")).toBeTruthy();
    expect(screen.getByText("$1.5")).toBeTruthy();
    expect(screen.getByText("12 channels")).toBeTruthy();
    const list = calls.find((call) => call.path === "/api/channel/");
    expect([list?.query.get("p"), list?.query.get("page_size")]).toEqual(["0", "10"]);

    const azureRow = screen.getByText("azure-east").closest("tr")!;
    fireEvent.click(await button("Test", azureRow));
    expect(await within(azureRow).findByText("Failed")).toBeTruthy();
    expect(await screen.findByText("azure-east failed the test: 401 invalid api key")).toBeTruthy();

    const priority = screen.getByLabelText("Priority of main");
    fireEvent.change(priority, { target: { value: "9" } });
    fireEvent.blur(priority);
    await waitFor(() => expect(calls.find((call) => call.method === "PUT")?.body).toEqual({ id: 1, priority: 9 }));
  });

  it("shows cards on a phone and deletes disabled channels only after confirmation", async () => {
    setScreenWidth(390);
    const calls = fakeBackend({
      "GET /api/channel/": () => ({ body: { success: true, data: rows, total: 2 } }),
      "DELETE /api/channel/disabled": () => ({ body: { success: true, data: 1 } }),
    });
    renderAt("/channel", "/channel", <ChannelsPage />);
    expect(await screen.findByText("#2")).toBeTruthy();
    expect(document.querySelector("table")).toBeNull();
    fireEvent.click(await button("Delete disabled"));
    expect(calls.some((call) => call.method === "DELETE")).toBe(false);
    fireEvent.click(await button("Delete", (await screen.findByText("Delete every disabled channel?")).closest(".ant-popover")! as HTMLElement));
    expect(await screen.findByText("Deleted 1 disabled channel")).toBeTruthy();
    expect(calls.filter((call) => call.path === "/api/channel/").length).toBeGreaterThan(1);
  });

  it("searches by keyword and says when nothing matches", async () => {
    const calls = fakeBackend({
      "GET /api/channel/": () => ({ body: { success: true, data: rows, total: 2 } }),
      "GET /api/channel/search": () => ({ body: { success: true, data: [] } }),
    });
    renderAt("/channel", "/channel", <ChannelsPage />);
    await screen.findByText("azure-east");
    fireEvent.change(screen.getByLabelText("Search channels"), { target: { value: "zzz" } });
    fireEvent.click(await button("Search"));
    expect(await screen.findByText('No channel has the id "zzz" or a name starting with it.')).toBeTruthy();
    expect(calls.find((call) => call.path === "/api/channel/search")?.query.get("keyword")).toBe("zzz");
  });
});
