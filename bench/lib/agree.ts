// Compares two Prometheus API query responses (their JSON text): same series, same timestamps, values within a relative tolerance.

interface ApiSeries {
  metric: Record<string, string>;
  value?: [number, string];
  values?: Array<[number, string]>;
}

interface ApiBody {
  status: string;
  error?: string;
  data?: { resultType: string; result: unknown };
}

export interface Agreement {
  /** Null when the bodies agree, else the first difference found. */
  difference: string | null;
  /** Points left out of the comparison by `skip` (counted on either side). */
  skipped: number;
}

export interface CompareOptions {
  /** Relative tolerance for values (default 1e-9). */
  rel?: number;
  /** Times (Unix seconds) not to compare, e.g. where the two engines' window semantics differ by design. */
  skip?: (tSeconds: number) => boolean;
}

function closeEnough(a: string, b: string, rel: number): boolean {
  if (a === b) return true;
  const x = Number(a.replace('Inf', 'Infinity'));
  const y = Number(b.replace('Inf', 'Infinity'));
  if (Number.isNaN(x) && Number.isNaN(y)) return true;
  if (!Number.isFinite(x) || !Number.isFinite(y)) return x === y;
  return Math.abs(x - y) <= rel * Math.max(Math.abs(x), Math.abs(y));
}

function metricKey(m: Record<string, string>): string {
  return JSON.stringify(Object.keys(m).sort().map((k) => [k, m[k]]));
}

/** Compares our response body with Prometheus's; vectors and matrices are matched by label set, not order. */
export function compareApiBodies(oursText: string, theirsText: string, opts: CompareOptions = {}): Agreement {
  const rel = opts.rel ?? 1e-9;
  const skip = opts.skip ?? (() => false);
  let skipped = 0;
  const result = (difference: string | null): Agreement => ({ difference, skipped });
  const ours = JSON.parse(oursText) as ApiBody;
  const theirs = JSON.parse(theirsText) as ApiBody;
  if (ours.status !== theirs.status) return result(`status ${ours.status} vs ${theirs.status} (${ours.error ?? theirs.error ?? ''})`);
  if (!ours.data || !theirs.data) return result(null);
  if (ours.data.resultType !== theirs.data.resultType) return result(`resultType ${ours.data.resultType} vs ${theirs.data.resultType}`);
  if (ours.data.resultType === 'scalar' || ours.data.resultType === 'string') {
    const [ta, va] = ours.data.result as [number, string];
    const [tb, vb] = theirs.data.result as [number, string];
    const same = ta === tb && closeEnough(va, vb, rel);
    return result(same ? null : `${JSON.stringify(ours.data.result)} vs ${JSON.stringify(theirs.data.result)}`);
  }
  // Points per series after dropping skipped times; series left with no points are ignored.
  const points = (list: ApiSeries[]): Map<string, { metric: Record<string, string>; pts: Array<[number, string]> }> => {
    const out = new Map<string, { metric: Record<string, string>; pts: Array<[number, string]> }>();
    for (const s of list) {
      const all = s.values ?? (s.value ? [s.value] : []);
      const pts = all.filter((p) => !skip(p[0]));
      skipped += all.length - pts.length;
      if (pts.length > 0) out.set(metricKey(s.metric), { metric: s.metric, pts });
    }
    return out;
  };
  const a = points(ours.data.result as ApiSeries[]);
  const b = points(theirs.data.result as ApiSeries[]);
  for (const [key, s] of a) {
    const other = b.get(key);
    if (!other) return result(`series ${JSON.stringify(s.metric)} missing from Prometheus's result`);
    if (s.pts.length !== other.pts.length) return result(`${JSON.stringify(s.metric)}: ${s.pts.length} points vs ${other.pts.length}`);
    for (let i = 0; i < s.pts.length; i++) {
      const [ta, va] = s.pts[i];
      const [tb, vb] = other.pts[i];
      if (ta !== tb) return result(`${JSON.stringify(s.metric)}: point ${i} at ${ta} vs ${tb}`);
      if (!closeEnough(va, vb, rel)) return result(`${JSON.stringify(s.metric)} at ${ta}: ${va} vs ${vb}`);
    }
  }
  for (const [key, s] of b) if (!a.has(key)) return result(`series ${JSON.stringify(s.metric)} missing from Sightline's result`);
  return result(null);
}
