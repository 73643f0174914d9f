// Checks both restart fault tests make of a crash run: nothing twice, time only forward, only the downtime missing.
import { expect } from 'vitest';
import { DOWNTIME_MS, INTERVAL_MS, type CrashRun } from './crash.ts';

/** Scheduling slack on a loaded 2-core machine. */
export const SLACK_MS = 1500;

/** No sample or batch seen twice, every series moving forward in time, no stream or decode errors. */
export function expectNoDuplicatesTimeForward({ recorder }: CrashRun): void {
  expect(recorder.duplicateSamples()).toEqual([]);
  expect(recorder.duplicates).toEqual([]);
  const last = new Map<string, number>();
  for (const s of recorder.samples) {
    const prev = last.get(s.key);
    if (prev !== undefined) expect(s.t, `${s.key} went back in time`).toBeGreaterThan(prev);
    last.set(s.key, s.t);
  }
  expect(recorder.errors).toEqual([]);
  expect(recorder.follower.decodeErrors).toEqual([]);
}

/**
 * The client was caught up when the gateway died and the restarted one scraped within an interval; with
 * `steadyScrapes`, scrapes before and after also keep the interval (nothing else missing).
 */
export function expectOnlyDowntimeMissing({ recorder, killedAt, restartedAt }: CrashRun, steadyScrapes: boolean): void {
  const ups = recorder.series('up');
  const lastBefore = Math.max(...ups.filter((s) => s.conn === 0).map((s) => s.t));
  const firstAfter = Math.min(...ups.filter((s) => s.conn === 1).map((s) => s.t));
  expect(restartedAt - killedAt).toBeGreaterThanOrEqual(DOWNTIME_MS);
  expect(lastBefore).toBeGreaterThanOrEqual(killedAt - INTERVAL_MS - SLACK_MS);
  expect(firstAfter).toBeLessThanOrEqual(restartedAt + INTERVAL_MS + SLACK_MS);
  if (!steadyScrapes) return;
  for (const conn of [0, 1]) {
    const ts = ups.filter((s) => s.conn === conn).map((s) => s.t);
    for (let i = 1; i < ts.length; i++) expect(ts[i] - ts[i - 1], `connection ${conn} scrape ${i}`).toBeLessThanOrEqual(INTERVAL_MS + SLACK_MS);
  }
}
