// A minimal self-metrics registry rendering Prometheus text format 0.0.4 (counters, gauges, collect-time callbacks).

export const TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

type MetricType = 'counter' | 'gauge';

/** One sample a family renders: label values by name, and the value. */
export type MetricSample = [labels: Record<string, string>, value: number];

interface Family {
  name: string;
  help: string;
  type: MetricType;
  collect(): MetricSample[];
}

/** A labelled counter or gauge whose children are keyed by their label values. */
export class LabelledMetric {
  private readonly values = new Map<string, MetricSample>();

  constructor(private readonly labelNames: readonly string[]) {
    // An unlabelled metric exists from the start (reads 0), as in the Go client.
    if (labelNames.length === 0) this.child([]);
  }

  /** Adds `by` (default 1) to the child with these label values. */
  inc(labelValues: readonly string[] = [], by = 1): void {
    const child = this.child(labelValues);
    child[1] += by;
  }

  set(labelValues: readonly string[], value: number): void {
    this.child(labelValues)[1] = value;
  }

  /** Current value of one child (0 if never touched). */
  get(labelValues: readonly string[] = []): number {
    return this.values.get(labelValues.join('\xff'))?.[1] ?? 0;
  }

  samples(): MetricSample[] {
    return [...this.values.values()];
  }

  private child(labelValues: readonly string[]): MetricSample {
    if (labelValues.length !== this.labelNames.length) {
      throw new Error(`expected ${this.labelNames.length} label values, got ${labelValues.length}`);
    }
    const key = labelValues.join('\xff');
    let child = this.values.get(key);
    if (child === undefined) {
      const labels: Record<string, string> = {};
      this.labelNames.forEach((n, i) => (labels[n] = labelValues[i]));
      this.values.set(key, (child = [labels, 0]));
    }
    return child;
  }
}

/** Holds the gateway's own metric families and renders them for /metrics. */
export class Registry {
  private readonly families = new Map<string, Family>();

  counter(name: string, help: string, labelNames: readonly string[] = []): LabelledMetric {
    return this.add(name, help, 'counter', labelNames);
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): LabelledMetric {
    return this.add(name, help, 'gauge', labelNames);
  }

  /** A family whose samples are computed at scrape time (head size, process stats, …). */
  collect(name: string, help: string, type: MetricType, collect: () => MetricSample[]): void {
    this.register({ name, help, type, collect });
  }

  /** All families in text format 0.0.4, sorted by name. */
  expose(): string {
    let out = '';
    for (const family of [...this.families.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const samples = family.collect();
      if (samples.length === 0) continue;
      out += `# HELP ${family.name} ${escapeHelp(family.help)}\n# TYPE ${family.name} ${family.type}\n`;
      for (const [labels, value] of samples) out += `${family.name}${formatLabels(labels)} ${formatValue(value)}\n`;
    }
    return out;
  }

  private add(name: string, help: string, type: MetricType, labelNames: readonly string[]): LabelledMetric {
    const metric = new LabelledMetric(labelNames);
    this.register({ name, help, type, collect: () => metric.samples() });
    return metric;
  }

  private register(family: Family): void {
    if (this.families.has(family.name)) throw new Error(`metric ${family.name} registered twice`);
    this.families.set(family.name, family);
  }
}

function formatLabels(labels: Record<string, string>): string {
  const names = Object.keys(labels);
  if (names.length === 0) return '';
  return `{${names.map((n) => `${n}="${escapeLabelValue(labels[n])}"`).join(',')}}`;
}

function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}
