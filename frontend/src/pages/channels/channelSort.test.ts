import { describe, expect, it } from "vitest";
import { sortChannels } from "./channelSort";
import { channel, TYPES } from "./testSupport";

const types = new Map(TYPES.map((type) => [type.id, type]));
const rows = [
  channel({ id: 1, name: "b", type: 3, response_time: 0, priority: 1 }),
  channel({ id: 2, name: "a", type: 1, response_time: 900, priority: 3 }),
  channel({ id: 3, name: "c", type: 1, response_time: 300, priority: 2 }),
];
const ids = (list: typeof rows) => list.map((row) => row.id);

describe("sortChannels", () => {
  it("puts untested channels after every measured time", () => {
    expect(ids(sortChannels(rows, "response_time", false, types))).toEqual([3, 2, 1]);
  });
  it("sorts numbers either way and types by their display name", () => {
    expect(ids(sortChannels(rows, "priority", true, types))).toEqual([2, 3, 1]);
    expect(ids(sortChannels(rows, "type", true, types))[0]).toBe(2);
    expect(ids(sortChannels(rows, "name", false, types))).toEqual([2, 1, 3]);
  });
  it("leaves the order alone without a key", () => {
    expect(sortChannels(rows, null, false, types)).toBe(rows);
  });
});
