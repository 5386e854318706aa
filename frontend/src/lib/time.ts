/** Unix seconds → "2026-11-23 18:04:05" in the browser's zone; 0 or -1 → "". */
export function formatTimestamp(seconds: number | undefined | null): string {
  if (!seconds || seconds < 0) return "";
  const d = new Date(seconds * 1000);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
