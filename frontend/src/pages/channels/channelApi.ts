// The channel endpoints, typed. The test and balance replies carry their result beside the envelope.
import { api, ApiError, type Envelope } from "../../api/client";
import type { Channel, ChannelTypeInfo } from "./types";

export type ChannelPayload = Partial<Omit<Channel, "id">> & { id?: number };

export interface TestOutcome {
  ok: boolean;
  /** Seconds, when the test passed. */
  seconds: number;
  /** The model's reply or the error. */
  message: string;
}

export const channelApi = {
  list: (p: number, pageSize: number) => api.page<Channel>("/api/channel/", { p, page_size: pageSize }),
  search: (keyword: string) => api.get<Channel[]>("/api/channel/search", { keyword }),
  get: (id: number) => api.get<Channel>(`/api/channel/${id}`),
  create: (payload: ChannelPayload) => api.post<Channel[]>("/api/channel/", payload),
  update: (payload: ChannelPayload & { id: number }) => api.put<Channel>("/api/channel/", payload),
  remove: (id: number) => api.delete<void>(`/api/channel/${id}`),
  removeDisabled: () => api.delete<number>("/api/channel/disabled"),
  types: () => api.get<ChannelTypeInfo[]>("/api/channel/types"),
  groups: () => api.get<string[]>("/api/group/"),
  /** Every built-in model of every type (an OpenAI model list, no envelope). */
  allModels: async (): Promise<string[]> => {
    const response = await fetch("/api/channel/models", { credentials: "same-origin" });
    if (!response.ok) throw new ApiError(`HTTP ${response.status}`, response.status);
    const body = (await response.json()) as { data?: { id: string }[] };
    return (body.data ?? []).map((model) => model.id);
  },
  testAll: async (scope: "all" | "disabled") =>
    (await api.raw<unknown>("GET", "/api/channel/test", undefined, { scope })).message,
  /** A failed test is an answer, not an exception: only a missing channel or network error throws. */
  test: async (id: number, model?: string): Promise<TestOutcome> => {
    try {
      const reply = (await api.raw<unknown>("GET", `/api/channel/test/${id}`, undefined, { model })) as Envelope<
        unknown
      > & { time?: number };
      return { ok: true, seconds: reply.time ?? 0, message: reply.message };
    } catch (err) {
      if (err instanceof ApiError && err.status === 200) return { ok: false, seconds: 0, message: err.message };
      throw err;
    }
  },
  refreshBalance: async (id: number) => {
    const reply = (await api.raw<unknown>("GET", `/api/channel/update_balance/${id}`)) as Envelope<unknown> & {
      balance?: number;
    };
    return reply.balance ?? 0;
  },
  refreshAllBalances: async () => (await api.raw<unknown>("GET", "/api/channel/update_balance")).message,
};
