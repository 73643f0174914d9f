// Time formatting shared by alert payloads: Go's RFC3339Nano for time.Time, including the zero time.

/** Go's zero time.Time as JSON renders it. */
export const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

/** time.Time.MarshalJSON (RFC3339Nano, UTC): fractional seconds without trailing zeros. */
export function formatRFC3339(ms: number | undefined): string {
  if (ms === undefined) return GO_ZERO_TIME;
  const iso = new Date(ms).toISOString();
  return iso.replace(/\.(\d+)Z$/, (_, f: string) => {
    const t = f.replace(/0+$/, '');
    return t ? `.${t}Z` : 'Z';
  });
}

/** Parses an RFC3339 timestamp into ms; the Go zero time and "" are undefined. */
export function parseRFC3339(s: string | undefined): number | undefined {
  if (s === undefined || s === '' || s.startsWith('0001-01-01T00:00:00')) return undefined;
  const ms = Date.parse(s);
  return Number.isNaN(ms) ? undefined : ms;
}
