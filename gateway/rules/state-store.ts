// The StateStore port: a tiny key → JSON-blob store for alert state, silences and notification history (file on Node, Durable Object storage on Workers).

/** Persists small blobs by key; implementations decide where (a file per key, DO storage, memory). */
export interface StateStore {
  /** The blob last put under `key`, or null when there is none. */
  get(key: string): Promise<string | null>;
  /** Replaces the blob under `key`. */
  put(key: string, value: string): Promise<void>;
}

/** In-memory store for tests and for runs without a data directory (state is lost on restart). */
export class MemoryStateStore implements StateStore {
  readonly data = new Map<string, string>();

  async get(key: string): Promise<string | null> {
    return this.data.get(key) ?? null;
  }

  async put(key: string, value: string): Promise<void> {
    this.data.set(key, value);
  }
}

/** Store keys used by the rules and alerts modules. */
export const STATE_KEYS = {
  rules: 'rules-state',
  notifier: 'notifier-state',
  silences: 'silences',
  /** JSON lines, one NotificationRecord each. */
  history: 'notifications.jsonl',
} as const;
