// Copies a substring out of the (possibly megabytes long) string it was cut from, so keeping it does not keep that.

/**
 * A copy of `s` that does not share the memory of a larger string. Substrings are views of their parent in V8, so
 * one kept label value would keep a whole scraped body alive for as long as its series lives. Concatenation makes a
 * new string that slicing then flattens into a fresh copy; short strings (under 13 characters) are copies anyway.
 */
export function detach(s: string): string {
  return s.length < 13 ? s : (s + ' ').slice(0, -1);
}
