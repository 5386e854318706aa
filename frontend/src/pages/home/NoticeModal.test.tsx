import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeBackend, installDomShims, renderAt, SLOW } from "../auth/testUtils";
import NoticeModal from "./NoticeModal";

beforeAll(installDomShims);
beforeEach(() => localStorage.clear());
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const withNotice = (text: string) =>
  fakeBackend({}, { "GET /api/notice": () => ({ body: { success: true, data: text } }) });

describe("NoticeModal", SLOW, () => {
  it("shows a new notice once; after Got it, the same text stays closed", async () => {
    withNotice("**Maintenance** on Sunday");
    renderAt("/", "/", <NoticeModal />);
    expect(await screen.findByText("Maintenance")).toBeTruthy();
    fireEvent.click((await screen.findByText("Got it", { selector: "button span" })).closest("button")!);
    cleanup();

    const calls = withNotice("**Maintenance** on Sunday");
    renderAt("/", "/", <NoticeModal />);
    await waitFor(() => expect(calls.some((call) => call.path === "/api/notice")).toBe(true));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(screen.queryByText("Maintenance")).toBeNull();
  });

  it("shows the notice again once its text changes", async () => {
    withNotice("old text");
    renderAt("/", "/", <NoticeModal />);
    fireEvent.click((await screen.findByText("Got it", { selector: "button span" })).closest("button")!);
    cleanup();

    withNotice("new text");
    renderAt("/", "/", <NoticeModal />);
    expect(await screen.findByText("new text")).toBeTruthy();
  });
});
