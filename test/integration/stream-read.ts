// Reading a decoded gateway stream in tests: apply messages until a batch satisfies a condition, find a sample by labels.
import type { Labels } from '../../shared/model/labels.ts';
import type { DecodedBatch, StreamSession } from '../../shared/stream/session.ts';
import type { StreamReader } from './processes.ts';

/** Reads messages into `session` until `found` returns a value, failing after `ms`. */
export async function readUntil<T>(reader: StreamReader, session: StreamSession, found: (b: DecodedBatch) => T | undefined, ms = 20_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`stream condition not met within ${ms} ms`)), ms);
  });
  const search = (async () => {
    for (;;) {
      const m = await reader.next();
      if (m === null) throw new Error('stream ended');
      const ev = session.apply(m);
      if (ev.type === 'error') throw new Error(ev.error);
      if (ev.type !== 'batch') continue;
      const hit = found(ev.batch);
      if (hit !== undefined) return hit;
    }
  })();
  try {
    return await Promise.race([search, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The first sample in a batch whose labels include all of `want`. */
export function sampleOf(b: DecodedBatch, want: Labels): { labels: Labels; v: number; t: number } | undefined {
  for (let i = 0; i < b.labels.length; i++) {
    const l = b.labels[i];
    if (Object.entries(want).every(([k, v]) => l[k] === v)) return { labels: l, v: b.vals[i], t: b.ts[i] };
  }
  return undefined;
}
