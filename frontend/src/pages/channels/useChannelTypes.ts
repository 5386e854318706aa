// The channel types from GET /api/channel/types, fetched once per page load and shared by both pages.
import { useEffect, useMemo, useState } from "react";
import { channelApi } from "./channelApi";
import type { ChannelTypeInfo } from "./types";

let cached: Promise<ChannelTypeInfo[]> | null = null;

function loadTypes(): Promise<ChannelTypeInfo[]> {
  cached ??= channelApi.types().catch((err: unknown) => {
    cached = null; // let the next page visit try again
    throw err;
  });
  return cached;
}

export interface ChannelTypes {
  /** In the order the API gives them. */
  types: ChannelTypeInfo[];
  byId: Map<number, ChannelTypeInfo>;
  loading: boolean;
  error: string | null;
}

export function useChannelTypes(): ChannelTypes {
  const [types, setTypes] = useState<ChannelTypeInfo[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    loadTypes()
      .then((list) => live && setTypes(list))
      .catch((err: unknown) => live && setError(err instanceof Error ? err.message : String(err)))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, []);
  const byId = useMemo(() => new Map(types.map((type) => [type.id, type])), [types]);
  return { types, byId, loading, error };
}

/** For tests: forget the cached list. */
export function resetChannelTypesCache() {
  cached = null;
}
