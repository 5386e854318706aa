import { useEffect, useState } from "react";
import { fetchStatus, type SystemStatus } from "./api/status";

const DEFAULT_NAME = "Tollgate";

export default function App() {
  const [status, setStatus] = useState<SystemStatus | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    fetchStatus(controller.signal)
      .then(setStatus)
      .catch((err: unknown) => {
        if (!controller.signal.aborted) {
          setError(err instanceof Error ? err.message : String(err));
        }
      });
    return () => controller.abort();
  }, []);

  const systemName = status?.system_name || DEFAULT_NAME;
  useEffect(() => {
    document.title = systemName;
  }, [systemName]);

  const apiBase = `${window.location.origin}/v1`;

  return (
    <main style={{ fontFamily: "system-ui, sans-serif", maxWidth: 640, margin: "4rem auto", padding: "0 1rem" }}>
      <h1>{systemName}</h1>
      <p>Tollgate is running.</p>
      <p>
        OpenAI-compatible API base URL: <a href={`${apiBase}/models`}>{apiBase}</a>
      </p>
      {status?.version && <p>Version {status.version}</p>}
      {error && <p role="alert">Could not load the system status: {error}</p>}
    </main>
  );
}
