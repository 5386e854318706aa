// Orderings of the loaded channels, shared by the table's column sorters and the phone's sort menu.
// The list API has no order parameter, so sorting applies to the rows on screen.
import type { Channel, ChannelTypeInfo } from "./types";

export type SortKey = "id" | "name" | "type" | "status" | "response_time" | "balance" | "priority" | "weight" | "used_quota";
export type Compare = (a: Channel, b: Channel) => number;

export function typeLabel(types: Map<number, ChannelTypeInfo>, id: number): string | undefined {
  return types.get(id)?.display_name;
}

export function comparator(key: SortKey, types: Map<number, ChannelTypeInfo>): Compare {
  switch (key) {
    case "name":
      return (a, b) => a.name.localeCompare(b.name);
    case "type":
      return (a, b) => (typeLabel(types, a.type) ?? String(a.type)).localeCompare(typeLabel(types, b.type) ?? String(b.type));
    case "response_time":
      // Untested channels (0) sort after every measured time.
      return (a, b) => (a.response_time || Infinity) - (b.response_time || Infinity);
    default:
      return (a, b) => Number(a[key]) - Number(b[key]);
  }
}

export function sortChannels(rows: Channel[], key: SortKey | null, descending: boolean, types: Map<number, ChannelTypeInfo>): Channel[] {
  if (!key) return rows;
  const compare = comparator(key, types);
  return [...rows].sort((a, b) => (descending ? compare(b, a) : compare(a, b)));
}
