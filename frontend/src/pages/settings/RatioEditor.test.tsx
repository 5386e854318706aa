import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import i18n from "../../i18n";
import RatioEditor from "./RatioEditor";
import type { OptionStore } from "./useOptions";

beforeAll(async () => {
  // antd's responsive helpers and autosizing text areas need matchMedia and ResizeObserver, which jsdom lacks.
  window.matchMedia ??= ((query: string) => ({
    matches: false, media: query, onchange: null, addListener: () => {}, removeListener: () => {},
    addEventListener: () => {}, removeEventListener: () => {}, dispatchEvent: () => false,
  })) as unknown as typeof window.matchMedia;
  window.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  };
  await i18n.changeLanguage("en");
});
afterEach(cleanup);

function setup(save: OptionStore["save"] = vi.fn(async () => ({ ok: true as const }))) {
  const store: OptionStore = { values: { GroupRatio: '{"default":1}' }, save };
  render(<RatioEditor optionKey="GroupRatio" store={store} />);
  return { save, editor: screen.getByLabelText("Group ratios", { selector: "textarea" }) };
}

// antd's first render in jsdom is slow (CSS-in-JS), more so on a busy machine.
describe("RatioEditor", { timeout: 30_000 }, () => {
  it("shows the stored JSON laid out", () => {
    const { editor } = setup();
    expect((editor as HTMLTextAreaElement).value).toBe('{\n  "default": 1\n}');
    expect(screen.getByText("Valid JSON, 1 entry.")).toBeTruthy();
  });

  it("explains invalid JSON and will not save it", () => {
    const { editor, save } = setup();
    fireEvent.change(editor, { target: { value: '{"default": -1}' } });
    expect(screen.getByText('The value of "default" must not be negative.')).toBeTruthy();
    const button = screen.getByLabelText("Save Group ratios") as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    fireEvent.click(button);
    expect(save).not.toHaveBeenCalled();
  });

  it("saves compact JSON and shows the server's refusal", async () => {
    const save = vi.fn(async () => ({ ok: false as const, error: "GroupRatio: rejected by the server" }));
    const { editor } = setup(save);
    fireEvent.change(editor, { target: { value: '{ "default": 1, "vip": 0.5 }' } });
    fireEvent.click(screen.getByLabelText("Save Group ratios"));
    await waitFor(() => expect(save).toHaveBeenCalledWith([["GroupRatio", '{"default":1,"vip":0.5}']]));
    expect(await screen.findByText("GroupRatio: rejected by the server")).toBeTruthy();
  });
});
