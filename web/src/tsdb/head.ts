// The open (head) chunk of a series: samples appended to an XOR appender and to columns for reading, plus the cut rule.
import { XorAppender, encodeXor } from '../../../shared/chunk/xor.ts';
import { CHUNK_SAMPLES, bucketOf } from './layout.ts';
import type { Run } from './runs.ts';

/** A chunk that no longer takes samples, with its samples kept for reads until it is durable. */
export interface SealedChunk {
  mint: number;
  maxt: number;
  /** The XOR chunk bytes. */
  xor: Uint8Array;
  run: Run;
}

/**
 * Whether a sample at time t cannot join a chunk that starts at mint and holds n samples: the chunk is full, or
 * t lies in the next aligned range (so a chunk spans less than CHUNK_RANGE_MS and sits in one retention bucket).
 */
export function mustCut(mint: number, n: number, t: number): boolean {
  return n >= CHUNK_SAMPLES || bucketOf(t) !== bucketOf(mint);
}

/** Head chunk: appends in time order only; a later sample at or before maxt needs rebuilding (see HeadChunk.of). */
export class HeadChunk {
  readonly t = new Float64Array(CHUNK_SAMPLES);
  readonly v = new Float64Array(CHUNK_SAMPLES);
  private app = new XorAppender();

  get count(): number {
    return this.app.count;
  }

  get mint(): number {
    return this.t[0];
  }

  get maxt(): number {
    return this.t[this.app.count - 1];
  }

  /** Whether t may be appended (later than maxt and no cut needed). */
  accepts(t: number): boolean {
    const n = this.app.count;
    return n === 0 || (t > this.t[n - 1] && !mustCut(this.t[0], n, t));
  }

  /** Appends a sample; the caller has checked accepts(t). */
  append(t: number, v: number): void {
    const n = this.app.count;
    this.app.append(t, v);
    this.t[n] = t;
    this.v[n] = v;
  }

  /** The XOR chunk so far (a copy). */
  bytes(): Uint8Array {
    return this.app.bytes();
  }

  /** The samples as views over the head's columns; stable, because samples before count are never rewritten. */
  run(): Run {
    const n = this.app.count;
    return { t: this.t.subarray(0, n), v: this.v.subarray(0, n) };
  }

  /** Turns the head into a sealed chunk (the head must not be appended to afterwards). */
  seal(): SealedChunk {
    const run = this.run();
    return { mint: this.mint, maxt: this.maxt, xor: this.bytes(), run };
  }

  /** A head holding a run that fits one chunk (at most CHUNK_SAMPLES samples, one bucket). */
  static of(run: Run): HeadChunk {
    const h = new HeadChunk();
    for (let i = 0; i < run.t.length; i++) h.append(run.t[i], run.v[i]);
    return h;
  }
}

/** Splits a time-ordered run into chunks by the cut rule; the last piece is returned apart, as the new open chunk. */
export function cutRun(run: Run): { sealed: SealedChunk[]; last: Run } {
  const pieces: Run[] = [];
  let start = 0;
  for (let i = 1; i <= run.t.length; i++) {
    if (i === run.t.length || mustCut(run.t[start], i - start, run.t[i])) {
      pieces.push({ t: run.t.slice(start, i), v: run.v.slice(start, i) });
      start = i;
    }
  }
  const last = pieces.pop() ?? { t: new Float64Array(0), v: new Float64Array(0) };
  return {
    sealed: pieces.map((p) => ({ mint: p.t[0], maxt: p.t[p.t.length - 1], xor: encodeXor(p.t, p.v), run: p })),
    last,
  };
}

/** Every piece of a run as sealed chunks (for rewriting stored chunks, where nothing stays open). */
export function sealRun(run: Run): SealedChunk[] {
  const { sealed, last } = cutRun(run);
  if (last.t.length > 0) sealed.push({ mint: last.t[0], maxt: last.t[last.t.length - 1], xor: encodeXor(last.t, last.v), run: last });
  return sealed;
}
