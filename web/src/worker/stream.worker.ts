// The studio's data worker: owns the gateway stream and the IndexedDB store, answers queries from the UI thread.
import { compileMatcher, type LabelMatcher } from '../../../shared/promql/ast.ts';
import { openTsdb, STUDIO_FLUSH_POLICY } from '../tsdb/index.ts';
import type { SampleStore } from '../store/sampleStore.ts';
import { createEngine } from '../../../shared/promql/engine/index.ts';
import { QueryCanceled, QueryProblem, explainCounts, labelNamesOf, metricSummaries, runInstant, runQuery, storageReport, type StoreExtras } from './query.ts';
import { Streamer, timerSleep } from './streamer.ts';
import type { DataChange, ErrorKind, FromWorker, GatewayTarget, RequestMap, RequestType, SeriesColumns, ToWorker, WorkerRequest } from './protocol.ts';

declare const self: DedicatedWorkerGlobalScope;

/** Only one tab's worker streams at a time; the others read the same database and hear about new data here. */
const WRITER_LOCK = 'sightline-stream-writer';
const DATA_CHANNEL = 'sightline-data-changed';

/** A request failure the user can act on (a bad matcher). */
class BadRequest extends Error {}

function post(msg: FromWorker, transfer: Transferable[] = []): void {
  self.postMessage(msg, transfer);
}

// Group commit (STUDIO_FLUSH_POLICY): every append starts a flush without waiting for it; while one flush writes,
// later appends gather into the next. Queries in this worker see accepted samples at once (they read the head). A
// tab that dies loses only what was accepted after the last committed flush (the write in progress and what queued
// behind it; the 1 s maxDelayMs is the backstop), and the next tab resumes from the durable position, so the
// gateway replays it. The TSDB posts a DataChange-shaped notice on DATA_CHANNEL after each flush, for the other tabs.
const storeReady: Promise<SampleStore> = openTsdb({ broadcastChannel: DATA_CHANNEL, flush: STUDIO_FLUSH_POLICY });
const engine = createEngine();
const channel = new BroadcastChannel(DATA_CHANNEL);
channel.onmessage = (e: MessageEvent<DataChange>) => post({ type: 'data-changed', change: e.data });

let streamer: Streamer | null = null;
let writerTarget: GatewayTarget | null = null;
let lockRequested = false;
let hasLock = false;
const inflight = new Map<number, AbortController>();

async function getStreamer(): Promise<Streamer> {
  if (streamer) return streamer;
  const store = await storeReady;
  streamer = new Streamer({
    store,
    fetchFn: (url, init) => fetch(url, init),
    now: () => Date.now(),
    sleep: timerSleep,
    random: Math.random,
    onStatus: (status) => post({ type: 'status', status }),
    onData: (change) => {
      post({ type: 'data-changed', change });
      channel.postMessage(change);
    },
  });
  return streamer;
}

/** Streams from `target` once this worker holds the writer lock (at once when Web Locks are unavailable). */
async function configure(target: GatewayTarget): Promise<void> {
  writerTarget = target;
  const s = await getStreamer();
  const locks = (navigator as Navigator & { locks?: LockManager }).locks;
  // Without Web Locks (e.g. a plain-http LAN address is not a secure context) every tab streams for itself.
  if (!locks || hasLock) return s.start(target);
  if (lockRequested) return; // Still queued: the latest target is used once the lock is granted.
  lockRequested = true;
  post({ type: 'status', status: { ...s.current(), state: 'standby' } });
  // Held until the worker ends (tab closed or reloaded); the next tab in line then takes over.
  void locks.request(WRITER_LOCK, async () => {
    hasLock = true;
    if (writerTarget) await s.start(writerTarget);
    await new Promise<never>(() => undefined);
  });
}

/** Checks every matcher compiles, so a bad regex is reported as the user's error. */
function validate(matchers: readonly LabelMatcher[]): void {
  for (const m of matchers) {
    try {
      compileMatcher(m);
    } catch (e) {
      throw new BadRequest(`invalid matcher ${m.name}${m.type}${JSON.stringify(m.value)}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

/** Copies a store's (possibly shared) arrays so they can be transferred without detaching the store's buffers. */
function columns(series: ReadonlyArray<{ labels: SeriesColumns['labels']; t: ArrayLike<number>; v: ArrayLike<number> }>): SeriesColumns[] {
  return series.map((s) => ({
    labels: s.labels,
    t: s.t instanceof Float64Array ? s.t.slice() : Float64Array.from(s.t),
    v: s.v instanceof Float64Array ? s.v.slice() : Float64Array.from(s.v),
  }));
}

type Handler<K extends RequestType> = (req: Extract<WorkerRequest, { type: K }>, signal: AbortSignal) => Promise<RequestMap[K]['res']>;

const handlers: { [K in RequestType]: Handler<K> } = {
  async configure(req) {
    await configure(req.target);
    return null;
  },
  async query(req, signal) {
    return runQuery(await storeReady, engine, req, signal);
  },
  async select(req, signal) {
    validate(req.matchers);
    const store = await storeReady;
    return columns(await store.select(req.matchers, { start: req.start, end: req.end }, signal));
  },
  async series(req) {
    validate(req.matchers);
    return (await storeReady).seriesList(req.matchers);
  },
  async labelValues(req) {
    validate(req.matchers);
    const store = await storeReady;
    return store.labelValues ? store.labelValues(req.name, req.matchers, -Infinity, Infinity) : [];
  },
  async stats() {
    const store = await storeReady;
    return { ...(await store.stats()), gaps: await store.gaps() };
  },
  // Explore and the Storage page: capabilities beyond SampleStore are used when the store has them (StoreExtras).
  async labelNames(req) {
    validate(req.matchers);
    return labelNamesOf(await storeReady, req.matchers);
  },
  async metadata() {
    const store: SampleStore & StoreExtras = await storeReady;
    return store.metadata ? store.metadata() : {};
  },
  async metrics() {
    return metricSummaries(await storeReady);
  },
  async instant(req, signal) {
    return runInstant(await storeReady, engine, req, signal);
  },
  async explain(req, signal) {
    return explainCounts(await storeReady, engine, req.exprs, req.time, signal);
  },
  async storage() {
    return storageReport(await storeReady);
  },
  async setRetention(req) {
    const store: SampleStore & StoreExtras = await storeReady;
    if (!store.setRetention) return { applied: false };
    await store.setRetention({ timeMs: req.timeMs, maxBytes: req.maxBytes });
    return { applied: true };
  },
};

/** The sample buffers of a columnar result, moved to the UI thread instead of copied. */
function transferables(result: unknown): Transferable[] {
  if (typeof result === 'object' && result !== null && 'series' in result) return transferables(result.series);
  if (!Array.isArray(result)) return [];
  const out: ArrayBuffer[] = [];
  for (const r of result as unknown[]) {
    if (typeof r !== 'object' || r === null) continue;
    for (const col of [(r as { t?: unknown }).t, (r as { v?: unknown }).v]) {
      if (col instanceof Float64Array && col.buffer instanceof ArrayBuffer) out.push(col.buffer);
    }
  }
  return out;
}

async function handle(req: WorkerRequest): Promise<void> {
  const abort = new AbortController();
  inflight.set(req.id, abort);
  try {
    const handler = handlers[req.type] as Handler<RequestType>;
    const result = await handler(req, abort.signal);
    if (abort.signal.aborted) throw abort.signal.reason;
    post({ type: 'reply', id: req.id, ok: true, result }, transferables(result));
  } catch (e) {
    const userError = e instanceof BadRequest || e instanceof QueryProblem;
    const kind: ErrorKind = abort.signal.aborted || e instanceof QueryCanceled ? 'canceled' : userError ? 'bad_request' : 'internal';
    const position = e instanceof QueryProblem ? e.position : undefined;
    post({ type: 'reply', id: req.id, ok: false, kind, error: e instanceof Error ? e.message : String(e), position });
  } finally {
    inflight.delete(req.id);
  }
}

self.onmessage = (e: MessageEvent<ToWorker>) => {
  const msg = e.data;
  if (msg.type === 'cancel') inflight.get(msg.id)?.abort(new DOMException('canceled', 'AbortError'));
  else void handle(msg);
};
