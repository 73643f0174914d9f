// The gateway's runtime seams: time and timers, injected so tests drive them and each runtime supplies its own.

/** Wall-clock time in Unix milliseconds. */
export interface Clock {
  now(): number;
}

/** Opaque timer handle. */
export type TimerHandle = unknown;

/** One-shot timers. */
export interface Scheduler {
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** The fetch a scrape uses; the Web-standard signature, so Node, Workers and test fakes all fit. */
export type FetchFn = (input: string, init: RequestInit) => Promise<Response>;

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** The real timers (globalThis.setTimeout exists on Node, Workers and in browsers). */
export const systemScheduler: Scheduler = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
