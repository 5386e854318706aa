import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import "../../i18n";
import ExpiryField from "./ExpiryField";

beforeAll(() => {
  // antd's responsive helpers ask for matchMedia, which jsdom lacks.
  window.matchMedia ??= ((query: string) => ({
    matches: false, media: query, onchange: null,
    addListener: () => {}, removeListener: () => {}, addEventListener: () => {}, removeEventListener: () => {},
    dispatchEvent: () => false,
  })) as typeof window.matchMedia;
});
afterEach(cleanup);

describe("ExpiryField", () => {
  it("sets never, or an hour from now, from the quick buttons", () => {
    const onChange = vi.fn();
    render(<ExpiryField value={-1} onChange={onChange} />);
    const before = Math.floor(Date.now() / 1000);
    fireEvent.click(screen.getByRole("button", { name: "1 hour" }));
    const picked = onChange.mock.calls[0][0] as number;
    expect(picked - before).toBeGreaterThanOrEqual(3600);
    expect(picked - before).toBeLessThanOrEqual(3601);
    fireEvent.click(screen.getByRole("button", { name: "Never" }));
    expect(onChange).toHaveBeenLastCalledWith(-1);
  }, 30_000); // the first antd render in jsdom is slow
  it("shows a set expiry in the picker", () => {
    const at = new Date(2031, 4, 6, 7, 8).getTime() / 1000;
    render(<ExpiryField value={at} />);
    expect(screen.getByDisplayValue("2031-05-06 07:08")).toBeTruthy();
  }, 30_000);
});
