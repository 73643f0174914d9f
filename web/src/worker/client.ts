// UI-thread side of the worker protocol: typed requests with ids, cancellation by AbortSignal, pushed events.
import type { DataChange, ErrorKind, FromWorker, RequestMap, RequestType, StreamStatus, ToWorker } from './protocol.ts';

/** A request the worker refused or failed; `kind` tells a user error from a bug or a cancel. */
export class WorkerRequestError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly position?: { start: number; end: number },
  ) {
    super(message);
    this.name = 'WorkerRequestError';
  }
}

/** The part of Worker the client uses, so tests can hand in a MessageChannel port. */
export interface WorkerPort {
  postMessage(msg: ToWorker): void;
  addEventListener(type: 'message', fn: (e: MessageEvent<FromWorker>) => void): void;
}

export interface WorkerEvents {
  status: (status: StreamStatus) => void;
  'data-changed': (change: DataChange) => void;
}

/** Talks to the stream worker. */
export class WorkerClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly listeners: { [K in keyof WorkerEvents]: Set<WorkerEvents[K]> } = {
    status: new Set(),
    'data-changed': new Set(),
  };

  constructor(private readonly port: WorkerPort) {
    port.addEventListener('message', (e) => this.receive(e.data));
  }

  /** Sends a request; aborting the signal cancels it in the worker and rejects with kind 'canceled'. */
  request<K extends RequestType>(type: K, body: RequestMap[K]['req'], signal?: AbortSignal): Promise<RequestMap[K]['res']> {
    const id = this.nextId++;
    return new Promise<RequestMap[K]['res']>((resolve, reject) => {
      if (signal?.aborted) return reject(new WorkerRequestError('canceled', 'canceled'));
      const onAbort = (): void => {
        this.port.postMessage({ type: 'cancel', id });
        this.pending.delete(id);
        reject(new WorkerRequestError('canceled', 'canceled'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        resolve: (v) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(v as RequestMap[K]['res']);
        },
        reject: (e) => {
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
      });
      this.port.postMessage({ type, id, ...body } as ToWorker);
    });
  }

  /** Subscribes to a pushed event; returns the unsubscribe function. */
  on<K extends keyof WorkerEvents>(event: K, fn: WorkerEvents[K]): () => void {
    this.listeners[event].add(fn);
    return () => this.listeners[event].delete(fn);
  }

  private receive(msg: FromWorker): void {
    switch (msg.type) {
      case 'reply': {
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        if (msg.ok) p.resolve(msg.result);
        else p.reject(new WorkerRequestError(msg.kind, msg.error, msg.position));
        return;
      }
      case 'status':
        for (const fn of this.listeners.status) fn(msg.status);
        return;
      case 'data-changed':
        for (const fn of this.listeners['data-changed']) fn(msg.change);
        return;
    }
  }
}
