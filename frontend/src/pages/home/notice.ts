// The Notice pops up once per text: we keep a short hash of the last one shown, not the text itself.
export const NOTICE_SEEN_KEY = "tollgate.notice.seen";

/** FNV-1a over the UTF-16 code units plus the length: stable, fast, and no secure context needed. */
export function contentHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `${text.length.toString(36)}.${hash.toString(36)}`;
}

export function isNoticeNew(notice: string): boolean {
  if (!notice.trim()) return false;
  try {
    return localStorage.getItem(NOTICE_SEEN_KEY) !== contentHash(notice);
  } catch {
    return true;
  }
}

export function markNoticeSeen(notice: string): void {
  try {
    localStorage.setItem(NOTICE_SEEN_KEY, contentHash(notice));
  } catch {
    // storage full or blocked: the notice shows again next time, which is harmless
  }
}
