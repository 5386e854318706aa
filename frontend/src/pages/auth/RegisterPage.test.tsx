import { act, cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import RegisterPage from "./RegisterPage";
import { fakeBackend, installDomShims, renderAt, SLOW } from "./testUtils";

beforeAll(installDomShims);
beforeEach(() => localStorage.clear());
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

const fill = (label: string | RegExp, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });
/** The button whose text is `text` (role queries are too slow on antd's DOM in jsdom). */
const button = async (text: string) => (await screen.findByText(text, { selector: "button span" })).closest("button")!;
const submit = async () => fireEvent.click(await button("Create account"));

describe("RegisterPage", SLOW, () => {
  it("refuses a short password, a long username and a mismatched confirmation without calling the API", async () => {
    const calls = fakeBackend({});
    renderAt("/register", "/register", <RegisterPage />);
    fill("Username", "a-much-too-long-name");
    fill(/^Password$/, "short");
    fill("Confirm password", "different");
    await submit();
    expect(await screen.findByText("The username can have at most 12 characters.")).toBeTruthy();
    expect(screen.getByText("The password must have 8 to 20 characters.")).toBeTruthy();
    expect(screen.getByText("The two passwords do not match.")).toBeTruthy();
    expect(calls.some((call) => call.path === "/api/user/register")).toBe(false);
  });

  it("sends the invite code from ?aff= and signs the new user in", async () => {
    const calls = fakeBackend({}, {
      "POST /api/user/register": () => ({ body: { success: true } }),
      "POST /api/user/login": () => ({ body: { success: true, data: { id: 2 } } }),
    });
    const router = renderAt("/register?aff=INV1", "/register", <RegisterPage />);
    expect((screen.getByLabelText("Invite code") as HTMLInputElement).value).toBe("INV1");
    fill("Username", "alice");
    fill(/^Password$/, "correct horse");
    fill("Confirm password", "correct horse");
    await submit();
    await waitFor(() => expect(router.state.location.pathname).toBe("/dashboard"));
    const register = calls.find((call) => call.path === "/api/user/register");
    expect(register?.body).toMatchObject({ username: "alice", password: "correct horse", aff_code: "INV1" });
    expect(register?.body).not.toHaveProperty("confirm");
  });

  it("shows the server's refusal", async () => {
    fakeBackend({}, {
      "POST /api/user/register": () => ({ body: { success: false, message: "That username is already taken." } }),
    });
    renderAt("/register", "/register", <RegisterPage />);
    fill("Username", "root");
    fill(/^Password$/, "password123");
    fill("Confirm password", "password123");
    await submit();
    expect(await screen.findByText("That username is already taken.")).toBeTruthy();
  });

  it("asks for an email code when verification is on, then waits 30 s before the next one", async () => {
    const calls = fakeBackend({ email_verification: true }, {
      "GET /api/verification": () => ({ body: { success: true, message: "Code sent." } }),
    });
    renderAt("/register", "/register", <RegisterPage />);
    const getCode = await button("Get code");
    fill("Email", "alice@example.com");
    fireEvent.click(getCode);
    expect((await button("Resend in 30 s")).disabled).toBe(true);
    const sent = calls.find((call) => call.path === "/api/verification");
    expect(sent?.query.get("email")).toBe("alice@example.com");
    await act(() => new Promise((resolve) => setTimeout(resolve, 1100)));
    const later = await screen.findByText(/^Resend in \d+ s$/, { selector: "button span" });
    expect(Number(/\d+/.exec(later.textContent ?? "")?.[0])).toBeLessThan(30);
  });
});
