// The gateway's runtime seams: time and timers, injected so tests drive them and each runtime supplies its own.
import type { ExpositionText } from '../../shared/exposition/types.ts';

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

/** One scrape response with its body still unread (see ScrapeGetFn). */
export interface ScrapeResponse {
  readonly status: number;
  readonly statusText: string;
  /** The Content-Type header, '' when there is none. */
  readonly contentType: string;
  /**
   * Reads the whole body, decompressed and decoded as UTF-8 (a leading BOM dropped), or null as soon as it exceeds
   * `limit` bytes (0: no limit). Rejects when the request's signal aborts, and with an ExpositionParseError at the
   * first malformed UTF-8 byte (both exposition formats are UTF-8: bad bytes must fail, not become U+FFFD). A large
   * body may come as consecutive pieces that each end with a line (see ExpositionText).
   */
  read(limit: number): Promise<{ text: ExpositionText; bytes: number } | null>;
  /** Drops the body unread. */
  discard(): void;
}

/**
 * The HTTP GET of a scrape. fetch-target.ts builds one over any FetchFn; Node passes its own over node:http, which
 * skips the Web streams a fetch Response reads through. Rejects on network errors as fetch does (an Error whose
 * cause is the socket error), and when init.signal aborts.
 */
export type ScrapeGetFn = (
  url: string,
  init: { headers: Record<string, string>; signal: AbortSignal; redirect: 'follow' | 'manual' },
) => Promise<ScrapeResponse>;

/** Reads a text file (credentials_file, password_file, file_sd files); rejects with the OS error. */
export type FileReader = (path: string) => Promise<string>;

/** TLS settings of a tls_config, with every *_file already named (the factory reads them). */
export interface TlsSettings {
  ca?: string;
  caFile?: string;
  cert?: string;
  certFile?: string;
  key?: string;
  keyFile?: string;
  serverName?: string;
  insecureSkipVerify: boolean;
  minVersion?: string;
  maxVersion?: string;
}

/** Builds (and may cache) a fetch that applies a tls_config; rejects with a message when files cannot be read. */
export type TlsFetchFactory = (tls: TlsSettings) => Promise<FetchFn>;

/**
 * Files for file_sd_configs: list the files a pattern (`*` in the last path segment) matches, read them, and
 * optionally watch their directories. Node implements it; runtimes without a file system pass none.
 */
export interface FileSource {
  glob(pattern: string): Promise<string[]>;
  read: FileReader;
  /** Calls onChange (possibly spuriously) when something in these directories changes; returns the stop function. */
  watch?(dirs: readonly string[], onChange: () => void): () => void;
}

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** The real timers (globalThis.setTimeout exists on Node, Workers and in browsers). */
export const systemScheduler: Scheduler = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * A directory of text files for the head's log (--storage.path): Node implements it over the file system; Workers
 * keeps its own Durable Object storage instead. Names are plain file names, no paths.
 */
export interface LogDir {
  list(): Promise<string[]>;
  /** The whole file, or null when it does not exist. */
  read(name: string): Promise<string | null>;
  append(name: string, text: string): Promise<void>;
  /** Replaces the file atomically (write elsewhere, then rename). */
  replace(name: string, text: string): Promise<void>;
  remove(name: string): Promise<void>;
}
