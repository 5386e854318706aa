// The external shop's address with who is paying: username, user_id and a fresh transaction_id.

/** A random UUID; crypto.randomUUID exists only on https pages, getRandomValues everywhere. */
export function newTransactionId(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Adds the parameters to whatever query the admin's link already has. */
export function topUpUrl(link: string, user: { id: number; username: string }, transactionId: string): string {
  const url = new URL(link.trim(), window.location.origin);
  url.searchParams.set("username", user.username);
  url.searchParams.set("user_id", String(user.id));
  url.searchParams.set("transaction_id", transactionId);
  return url.toString();
}
