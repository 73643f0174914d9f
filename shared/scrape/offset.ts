// Scrape timing: a stable per-target offset within the interval (as Prometheus spreads scrapes) and the next slot.

/** 32-bit FNV-1a over the UTF-16 code units of `text`; stable across runtimes and restarts. */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * Offset (ms, in [0, intervalMs)) at which a target is scraped within each interval. It derives from the target's
 * identity (its labels and URL) plus a per-gateway seed, so one gateway's targets spread evenly over the interval,
 * a restart keeps each target's phase, and two gateways with different seeds do not hit a target in lockstep.
 */
export function scrapeOffset(identity: string, intervalMs: number, seed = 0): number {
  if (!(intervalMs > 0)) return 0;
  return ((fnv1a32(identity) ^ seed) >>> 0) % Math.floor(intervalMs);
}

/**
 * The first scrape time strictly after `now` on the grid `offset + k * interval` (absolute Unix ms), so the wait
 * is in (0, interval]. Pinning the grid to absolute time keeps the phase stable however often this is called.
 */
export function nextScrapeTime(now: number, intervalMs: number, offsetMs: number): number {
  const phase = (((now - offsetMs) % intervalMs) + intervalMs) % intervalMs;
  return now - phase + intervalMs;
}

/** Prometheus aligns a scrape's timestamp to its scheduled slot when the scrape started this close to it. */
export const SCRAPE_TIMESTAMP_TOLERANCE_MS = 2;

/** The timestamp a scrape's samples get: the scheduled slot when started within tolerance of it, else the start time. */
export function alignScrapeTimestamp(startedAt: number, scheduledAt: number | null): number {
  if (scheduledAt !== null && Math.abs(startedAt - scheduledAt) <= SCRAPE_TIMESTAMP_TOLERANCE_MS) return scheduledAt;
  return startedAt;
}
