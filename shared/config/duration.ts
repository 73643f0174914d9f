// Prometheus's duration (`1h30m`, `500ms`, `1y`) and size (`10MB`) formats, in milliseconds and bytes.

const MS_PER: Record<string, number> = {
  y: 365 * 24 * 3600 * 1000,
  w: 7 * 24 * 3600 * 1000,
  d: 24 * 3600 * 1000,
  h: 3600 * 1000,
  m: 60 * 1000,
  s: 1000,
  ms: 1,
};

// Units must appear in this order and at most once each, as in Prometheus's model.ParseDuration.
const DURATION_RE = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const DURATION_UNITS = ['y', 'w', 'd', 'h', 'm', 's', 'ms'];
// Go's time.Duration is int64 nanoseconds; larger values overflow in Prometheus.
const MAX_DURATION_MS = 9_223_372_036_854;

/** Parses a Prometheus duration into milliseconds; returns null when the text is not one. */
export function parseDuration(text: string): number | null {
  if (text === '0') return 0;
  if (text === '') return null;
  const m = DURATION_RE.exec(text);
  if (!m) return null;
  let total = 0;
  let any = false;
  for (let i = 0; i < DURATION_UNITS.length; i++) {
    const digits = m[i + 1];
    if (digits === undefined) continue;
    any = true;
    total += Number(digits) * MS_PER[DURATION_UNITS[i]];
  }
  if (!any || !Number.isFinite(total) || total > MAX_DURATION_MS) return null;
  return total;
}

/** Formats milliseconds the way Prometheus prints a duration (`1m30s`, `90d`, `0s`); years and weeks only when exact. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = Math.trunc(ms);
  let out = '';
  const step = (unit: string, exact: boolean): void => {
    const mult = MS_PER[unit];
    if (exact && rest % mult !== 0) return;
    const v = Math.floor(rest / mult);
    if (v > 0) {
      out += `${v}${unit}`;
      rest -= v * mult;
    }
  };
  step('y', true);
  step('w', true);
  for (const u of ['d', 'h', 'm', 's', 'ms']) step(u, false);
  return out;
}

const SIZE_UNITS: Record<string, number> = {
  B: 1,
  KB: 2 ** 10,
  MB: 2 ** 20,
  GB: 2 ** 30,
  TB: 2 ** 40,
  PB: 2 ** 50,
  EB: 2 ** 60,
  KiB: 2 ** 10,
  MiB: 2 ** 20,
  GiB: 2 ** 30,
  TiB: 2 ** 40,
  PiB: 2 ** 50,
  EiB: 2 ** 60,
};
const SIZE_PART_RE = /^(\d+(?:\.\d+)?)(EiB|PiB|TiB|GiB|MiB|KiB|EB|PB|TB|GB|MB|KB|B)/;

/** Parses a Prometheus size (`512MB`, `1GB512MB`, `1.5KiB`; units are powers of 1024) into bytes, or null. */
export function parseSize(text: string): number | null {
  if (text === '0') return 0;
  let rest = text;
  let total = 0;
  if (rest === '') return null;
  while (rest !== '') {
    const m = SIZE_PART_RE.exec(rest);
    if (!m) return null;
    total += Number(m[1]) * SIZE_UNITS[m[2]];
    rest = rest.slice(m[0].length);
  }
  return Math.floor(total);
}
