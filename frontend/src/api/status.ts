// GET /api/status: public system status (spec §1.2). Only the fields the UI reads so far are typed.
export interface SystemStatus {
  system_name?: string;
  version?: string;
  start_time?: number;
}

interface Envelope<T> {
  success: boolean;
  message: string;
  data?: T;
}

export async function fetchStatus(signal?: AbortSignal): Promise<SystemStatus> {
  const response = await fetch("/api/status", { signal });
  if (!response.ok) {
    throw new Error(`GET /api/status answered HTTP ${response.status}`);
  }
  const body = (await response.json()) as Envelope<SystemStatus>;
  if (!body.success) {
    throw new Error(body.message || "GET /api/status reported failure");
  }
  return body.data ?? {};
}
