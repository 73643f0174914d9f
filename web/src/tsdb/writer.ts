// One writer per origin: a Web Lock decides which tab (worker) ingests; a BroadcastChannel tells the others after each flush.

/** Lock name every studio tab requests; the holder is the only one that appends to the TSDB. */
export const WRITER_LOCK = 'sightline-writer';
/** Channel the writer's store posts a FlushNotice on after each committed flush (see TsdbOptions.broadcastChannel). */
export const DATA_CHANNEL = 'sightline-data-changed';

/** This context's claim on the writer role. */
export interface WriterRole {
  /** Resolves when this context becomes the writer; stays pending while another tab holds the lock. */
  readonly acquired: Promise<void>;
  readonly isWriter: boolean;
  /** Whether Web Locks exist here; without them every tab considers itself the writer. */
  readonly exclusive: boolean;
  /** Gives the role up, or withdraws the request; the next tab in line becomes the writer. */
  release(): void;
}

/**
 * Queues for the writer lock. The lock is held until release() or until this realm ends (tab closed or reloaded,
 * worker terminated), at which point the browser grants it to the next waiting tab.
 */
export function electWriter(opts: { lockName?: string; locks?: LockManager | null } = {}): WriterRole {
  const locks = opts.locks === undefined ? (typeof navigator !== 'undefined' ? navigator.locks : undefined) : opts.locks;
  let writer = false;
  let resolveAcquired!: () => void;
  const acquired = new Promise<void>((r) => (resolveAcquired = r));
  if (!locks) {
    writer = true;
    resolveAcquired();
    return { acquired, isWriter: true, exclusive: false, release() {} };
  }
  let letGo!: () => void;
  const held = new Promise<void>((r) => (letGo = r));
  const abort = new AbortController();
  locks
    .request(opts.lockName ?? WRITER_LOCK, { signal: abort.signal }, async () => {
      writer = true;
      resolveAcquired();
      await held;
      writer = false;
    })
    .catch(() => undefined); // an aborted request rejects; nothing to do
  return {
    acquired,
    get isWriter() {
      return writer;
    },
    exclusive: true,
    release() {
      abort.abort();
      letGo();
    },
  };
}

/** A typed BroadcastChannel: messages posted here reach every other context listening on the same name. */
export interface DataChannel<T> {
  post(message: T): void;
  /** Calls back for messages from other contexts; returns the unsubscribe function. */
  subscribe(listener: (message: T) => void): () => void;
  close(): void;
}

/** Opens the channel `name` (a no-op channel where BroadcastChannel is missing). */
export function openDataChannel<T>(name = DATA_CHANNEL): DataChannel<T> {
  if (typeof BroadcastChannel === 'undefined') return { post() {}, subscribe: () => () => undefined, close() {} };
  const ch = new BroadcastChannel(name);
  const listeners = new Set<(m: T) => void>();
  ch.onmessage = (e: MessageEvent<T>) => {
    for (const l of listeners) l(e.data);
  };
  return {
    post: (m) => ch.postMessage(m),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => ch.close(),
  };
}
