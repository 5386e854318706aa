// The CSV of a freshly created batch (name,key,quota), built in the browser.

/** RFC 4180 quoting, plus a leading apostrophe on text a spreadsheet would run as a formula. */
export function csvCell(value: string | number): string {
  if (typeof value === "number") return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function codesCsv(name: string, keys: string[], quota: number): string {
  const lines = [["name", "key", "quota"], ...keys.map((key) => [name, key, quota])];
  return lines.map((line) => line.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

/** A file name from the batch name, without characters file systems refuse. */
export function csvFileName(name: string): string {
  const safe = name.replace(/[\\/:*?"<>|\x00-\x1f]/g, "_").trim();
  return `${safe || "redemption-codes"}.csv`;
}

export function downloadCsv(fileName: string, text: string): void {
  // The byte-order mark lets Excel read non-ASCII names (e.g. Chinese) as UTF-8.
  const blob = new Blob(["\uFEFF", text], { type: "text/csv;charset=utf-8" });
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
