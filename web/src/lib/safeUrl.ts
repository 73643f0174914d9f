// Links built from scraped or configured data: only http(s) URLs become hrefs, anything else stays plain text.

/** The URL when it is an absolute http(s) URL, else null (so `javascript:` and friends never become links). */
export function safeHref(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : null;
  } catch {
    return null;
  }
}
