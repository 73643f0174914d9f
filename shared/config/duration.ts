// Prometheus's duration (`1h30m`, `500ms`, `1y`) and size (`10MB`) formats, in milliseconds and bytes.

import { parseDuration as parseModelDuration } from '../model/duration.ts';

export { formatDuration } from '../model/duration.ts';

/** Parses a Prometheus duration into milliseconds; returns null when the text is not one. */
export function parseDuration(text: string): number | null {
  const parsed = parseModelDuration(text);
  return parsed.ok ? parsed.ms : null;
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
