// One door to the management API: unwraps One API's {success, message, data} envelope and turns
// every failure (HTTP or business) into an ApiError whose message the UI can show as is.
export interface Envelope<T> {
  success: boolean;
  message: string;
  data?: T;
  total?: number;
}

export class ApiError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

export type Query = Record<string, string | number | boolean | undefined | null>;

type UnauthorizedHandler = () => void;
let onUnauthorized: UnauthorizedHandler = () => {};

/** The session layer registers what a 401 means (go to the login page). */
export function setUnauthorizedHandler(handler: UnauthorizedHandler) {
  onUnauthorized = handler;
}

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}${path.includes("?") ? "&" : "?"}${text}` : path;
}

async function call<T>(method: string, path: string, body?: unknown, query?: Query): Promise<Envelope<T>> {
  let response: Response;
  try {
    response = await fetch(withQuery(path, query), {
      method,
      credentials: "same-origin",
      headers: body === undefined ? undefined : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError("network", 0);
  }
  let envelope: Envelope<T> | null = null;
  try {
    envelope = (await response.json()) as Envelope<T>;
  } catch {
    envelope = null;
  }
  if (response.status === 401) onUnauthorized();
  if (!response.ok || !envelope || !envelope.success) {
    throw new ApiError(envelope?.message || `HTTP ${response.status}`, response.status);
  }
  return envelope;
}

/** Calls that return only `data`; use `api.page` when the reply's `total` matters. */
export const api = {
  get: async <T>(path: string, query?: Query) => (await call<T>("GET", path, undefined, query)).data as T,
  post: async <T>(path: string, body?: unknown) => (await call<T>("POST", path, body ?? {})).data as T,
  put: async <T>(path: string, body?: unknown) => (await call<T>("PUT", path, body ?? {})).data as T,
  delete: async <T>(path: string) => (await call<T>("DELETE", path)).data as T,
  /** A paged list: the rows plus the total the API reports. */
  page: async <T>(path: string, query?: Query) => {
    const envelope = await call<T[]>("GET", path, undefined, query);
    const rows = envelope.data ?? [];
    return { rows, total: envelope.total ?? rows.length };
  },
  /** The full envelope, for replies whose message is the point (e.g. "bind"). */
  raw: call,
};
