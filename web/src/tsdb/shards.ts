// Which block shard a new series joins (pure): series of one metric that differ only in target labels share one.
//
// A block record holds one shard's chunks for a 2 h bucket, and a cold query reads whole records, so a shard should
// hold series that queries select together. Queries mostly filter and aggregate on a metric's own labels (mode,
// handler) across targets, so the group of a series is its metric name and every label except the target labels
// `instance` and `job` and the histogram and summary labels `le` and `quantile` (a histogram's buckets are read
// together): `avg(rate(node_cpu_seconds_total{mode="idle"}[5m]))` then reads the idle groups only, not records
// that also hold the other seven modes, while histogram_quantile still reads a handler's buckets in one record. A group's shard takes up to SHARD_SERIES series (then the group
// opens another); a metric with more than GROUPS_PER_METRIC groups packs the rest by name, up to SHARD_SERIES each,
// so a high-cardinality label cannot turn every series into records of its own.
import { METRIC_NAME, type Labels } from '../../../shared/model/labels.ts';

/**
 * At most this many series share a shard. Chromium keeps IndexedDB values over 64 KiB out of line as blobs, which
 * read about three times slower per byte; 64 series of a 2 h bucket at a 15 s interval (~1.3 kB each) stay below.
 */
export const SHARD_SERIES = 64;
/** Groups of one metric that get shards of their own; later groups share name-packed shards. */
export const GROUPS_PER_METRIC = 128;
/** Labels naming the scrape target, and bucket labels: series that differ only in these are stored together. */
export const SPREAD_LABELS: ReadonlySet<string> = new Set(['instance', 'job', 'le', 'quantile']);

/** The grouping key of a label set: metric name and the labels not in SPREAD_LABELS, in a stable order. */
export function shardGroup(labels: Labels): string {
  const parts: string[] = [];
  for (const name of Object.keys(labels).sort()) {
    if (name === METRIC_NAME || SPREAD_LABELS.has(name)) continue;
    parts.push(name, labels[name]);
  }
  return JSON.stringify([labels[METRIC_NAME] ?? '', ...parts]);
}

/** Hands out shard numbers to new series, and learns the shards of stored ones. */
export class ShardAssigner {
  private readonly size = new Map<number, number>();
  /** Group key → its current shard. */
  private readonly groupShard = new Map<string, number>();
  /** Metric name → groups given shards of their own. */
  private readonly groups = new Map<string, number>();
  /** Metric name → its current name-packed shard (for groups past GROUPS_PER_METRIC). */
  private readonly nameShard = new Map<string, number>();

  constructor(public next: number) {}

  /** Records a stored series' shard (stores written before grouping hold a metric's series in arrival order). */
  load(labels: Labels, shard: number): void {
    if (shard >= this.next) this.next = shard + 1;
    this.size.set(shard, (this.size.get(shard) ?? 0) + 1);
    const key = shardGroup(labels);
    const known = this.groupShard.get(key);
    if (known === undefined) {
      const name = labels[METRIC_NAME] ?? '';
      this.groups.set(name, (this.groups.get(name) ?? 0) + 1);
    }
    if ((known ?? -1) < shard) this.groupShard.set(key, shard);
  }

  /** The shard for a new series with these labels. */
  assign(labels: Labels): number {
    const key = shardGroup(labels);
    const name = labels[METRIC_NAME] ?? '';
    let shard = this.groupShard.get(key);
    if (shard === undefined) {
      const n = this.groups.get(name) ?? 0;
      if (n < GROUPS_PER_METRIC) {
        this.groups.set(name, n + 1);
        shard = this.open(key);
      } else {
        shard = this.nameShard.get(name);
        if (shard === undefined || this.full(shard)) this.nameShard.set(name, (shard = this.next++));
      }
    } else if (this.full(shard)) shard = this.open(key);
    this.size.set(shard, (this.size.get(shard) ?? 0) + 1);
    return shard;
  }

  private open(key: string): number {
    const shard = this.next++;
    this.groupShard.set(key, shard);
    return shard;
  }

  private full(shard: number): boolean {
    return (this.size.get(shard) ?? 0) >= SHARD_SERIES;
  }
}
