// Tests for per-target scrape processing: labelling, report series, staleness, timestamps, limits.
import { describe, expect, it } from 'vitest';
import { formatLabels } from '../model/labels.ts';
import { isStaleMarker } from '../model/stale.ts';
import { TargetScrapeState } from './target-state.ts';
import { exposedScrape, type PlainSample } from './exposed.ts';
import type { ExposedScrape, OutputSample, ScrapeSettings } from './types.ts';

function settings(over: Partial<ScrapeSettings> = {}): ScrapeSettings {
  return {
    targetLabels: { instance: 'a:9100', job: 'node' },
    honorLabels: false,
    honorTimestamps: true,
    trackTimestampsStaleness: false,
    sampleLimit: 0,
    labelLimit: 0,
    labelNameLengthLimit: 0,
    labelValueLengthLimit: 0,
    ...over,
  };
}

function s(name: string, labels: string[], value: number, timestampMs?: number): PlainSample {
  return { name, labels, value, timestampMs };
}

function scrape(...samples: PlainSample[]): ExposedScrape {
  return exposedScrape(samples, [{ name: 'node_cpu_seconds_total', type: 'counter', help: 'Seconds the CPUs spent in each mode.', unit: '' }]);
}

/** Renders samples as `series value@t` lines so expectations read like exposition text. */
function lines(samples: readonly OutputSample[]): string[] {
  return samples.map((x) => `${formatLabels(x.labels)} ${isStaleMarker(x.v) ? 'stale' : x.v}@${x.t}`);
}

const cpu0 = s('node_cpu_seconds_total', ['cpu', '0', 'mode', 'idle'], 10);
const cpu1 = s('node_cpu_seconds_total', ['cpu', '1', 'mode', 'idle'], 20);

describe('TargetScrapeState.success', () => {
  it('labels samples with the target and appends the five report series', () => {
    const st = new TargetScrapeState(settings());
    const out = st.success(1000, scrape(cpu0, cpu1), 25);
    expect(lines(out.samples)).toEqual([
      'node_cpu_seconds_total{cpu="0", instance="a:9100", job="node", mode="idle"} 10@1000',
      'node_cpu_seconds_total{cpu="1", instance="a:9100", job="node", mode="idle"} 20@1000',
      'up{instance="a:9100", job="node"} 1@1000',
      'scrape_duration_seconds{instance="a:9100", job="node"} 0.025@1000',
      'scrape_samples_scraped{instance="a:9100", job="node"} 2@1000',
      'scrape_samples_post_metric_relabeling{instance="a:9100", job="node"} 2@1000',
      'scrape_series_added{instance="a:9100", job="node"} 2@1000',
    ]);
    expect(out.error).toBeNull();
    expect(out.metadata).toContainEqual(['node_cpu_seconds_total', { type: 'counter', help: 'Seconds the CPUs spent in each mode.', unit: '' }]);
    expect(out.metadata.map(([f]) => f)).toContain('up');
  });

  it("hands out the last scrape's metadata entries while a family's metadata is unchanged, new ones when it changes", () => {
    const st = new TargetScrapeState(settings());
    const fam = (help: string) => [{ name: 'node_cpu_seconds_total', type: 'counter' as const, help, unit: '' }];
    const first = st.success(1000, exposedScrape([cpu0], fam('Seconds.')), 1).metadata[0];
    const same = st.success(2000, exposedScrape([cpu0], fam('Seconds.')), 1).metadata[0];
    const changed = st.success(3000, exposedScrape([cpu0], fam('CPU seconds.')), 1).metadata[0];
    expect(same).toBe(first);
    expect(changed).toEqual(['node_cpu_seconds_total', { type: 'counter', help: 'CPU seconds.', unit: '' }]);
    expect(changed).not.toBe(first);
  });

  it('counts only new series in scrape_series_added', () => {
    const st = new TargetScrapeState(settings());
    st.success(1000, scrape(cpu0), 1);
    const out = st.success(2000, scrape(cpu0, cpu1), 1);
    expect(out.seriesAdded).toBe(1);
  });

  it('marks a series that disappeared stale at this scrape, once', () => {
    const st = new TargetScrapeState(settings());
    st.success(1000, scrape(cpu0, cpu1), 1);
    const second = st.success(2000, scrape(cpu0), 1);
    expect(lines(second.samples).slice(0, 2)).toEqual([
      'node_cpu_seconds_total{cpu="0", instance="a:9100", job="node", mode="idle"} 10@2000',
      'node_cpu_seconds_total{cpu="1", instance="a:9100", job="node", mode="idle"} stale@2000',
    ]);
    const third = st.success(3000, scrape(cpu0), 1);
    expect(third.samples.filter((x) => isStaleMarker(x.v))).toEqual([]);
  });

  it('uses exposed timestamps when honor_timestamps, and does not track those series for staleness', () => {
    const st = new TargetScrapeState(settings());
    const ts = s('pushed', [], 5, 500);
    expect(lines(st.success(1000, scrape(ts), 1).samples)[0]).toBe('pushed{instance="a:9100", job="node"} 5@500');
    expect(lines(st.success(2000, scrape(), 1).samples).filter((l) => l.includes('stale'))).toEqual([]);
  });

  it('tracks timestamped series when track_timestamps_staleness is set', () => {
    const st = new TargetScrapeState(settings({ trackTimestampsStaleness: true }));
    st.success(1000, scrape(s('pushed', [], 5, 500)), 1);
    expect(lines(st.success(2000, scrape(), 1).samples)[0]).toBe('pushed{instance="a:9100", job="node"} stale@2000');
  });

  it('ignores exposed timestamps when honor_timestamps is false', () => {
    const st = new TargetScrapeState(settings({ honorTimestamps: false }));
    expect(st.success(1000, scrape(s('pushed', [], 5, 500)), 1).samples[0].t).toBe(1000);
  });

  it('renames clashing labels to exported_*', () => {
    const st = new TargetScrapeState(settings());
    const out = st.success(1000, scrape(s('m', ['job', 'other', 'instance', 'x'], 1)), 1);
    expect(out.samples[0].labels).toEqual({ __name__: 'm', exported_instance: 'x', exported_job: 'other', instance: 'a:9100', job: 'node' });
  });

  it('applies metric relabelling and reports the count after it', () => {
    const st = new TargetScrapeState(settings({ metricRelabel: (l) => (l.cpu === '1' ? null : { ...l, extra: 'y' }) }));
    const out = st.success(1000, scrape(cpu0, cpu1), 1);
    expect(out.scraped).toBe(2);
    expect(out.postRelabel).toBe(1);
    expect(out.samples[0].labels.extra).toBe('y');
    expect(lines(out.samples)).toContain('scrape_samples_post_metric_relabeling{instance="a:9100", job="node"} 1@1000');
  });

  it('keeps the first of duplicate series within one scrape', () => {
    const st = new TargetScrapeState(settings());
    const out = st.success(1000, scrape(s('m', [], 1), s('m', [], 2)), 1);
    expect(out.samples.filter((x) => x.labels.__name__ === 'm').map((x) => x.v)).toEqual([1]);
  });

  it('fails the scrape when sample_limit is exceeded: up 0, everything stale', () => {
    const st = new TargetScrapeState(settings({ sampleLimit: 1 }));
    st.success(1000, scrape(cpu0), 1);
    const out = st.success(2000, scrape(cpu0, cpu1), 1);
    expect(out.error).toBe('sample limit exceeded');
    expect(lines(out.samples)).toEqual([
      'node_cpu_seconds_total{cpu="0", instance="a:9100", job="node", mode="idle"} stale@2000',
      'up{instance="a:9100", job="node"} 0@2000',
      'scrape_duration_seconds{instance="a:9100", job="node"} 0.001@2000',
      'scrape_samples_scraped{instance="a:9100", job="node"} 2@2000',
      'scrape_samples_post_metric_relabeling{instance="a:9100", job="node"} 2@2000',
      'scrape_series_added{instance="a:9100", job="node"} 0@2000',
    ]);
  });

  it('fails the scrape on label limits with a message naming the metric', () => {
    const st = new TargetScrapeState(settings({ labelLimit: 3 }));
    expect(st.success(1000, scrape(cpu0), 1).error).toBe('label_limit exceeded (metric: node_cpu_seconds_total, number of labels: 5, limit: 3)');
    const st2 = new TargetScrapeState(settings({ labelValueLengthLimit: 4 }));
    expect(st2.success(1000, scrape(cpu0), 1).error).toContain('label_value_length_limit exceeded');
  });
});

describe('TargetScrapeState.failure and end', () => {
  it('stales every series on failure but reports up 0 (never stale)', () => {
    const st = new TargetScrapeState(settings());
    st.success(1000, scrape(cpu0, cpu1), 1);
    const out = st.failure(2000, { error: 'connection refused' }, 3);
    expect(out.error).toBe('connection refused');
    expect(lines(out.samples)).toEqual([
      'node_cpu_seconds_total{cpu="0", instance="a:9100", job="node", mode="idle"} stale@2000',
      'node_cpu_seconds_total{cpu="1", instance="a:9100", job="node", mode="idle"} stale@2000',
      'up{instance="a:9100", job="node"} 0@2000',
      'scrape_duration_seconds{instance="a:9100", job="node"} 0.003@2000',
      'scrape_samples_scraped{instance="a:9100", job="node"} 0@2000',
      'scrape_samples_post_metric_relabeling{instance="a:9100", job="node"} 0@2000',
      'scrape_series_added{instance="a:9100", job="node"} 0@2000',
    ]);
    // A second failure has nothing left to stale.
    expect(st.failure(3000, { error: 'x' }, 1).samples.filter((x) => isStaleMarker(x.v))).toEqual([]);
    // Series seen before the outage do not count as added when it recovers (the cache survives failures).
    expect(st.success(4000, scrape(cpu0, cpu1), 1).seriesAdded).toBe(0);
  });

  it('stales all series and the report series when the target goes away', () => {
    const st = new TargetScrapeState(settings());
    st.success(1000, scrape(cpu0), 1);
    const out = st.end(1500);
    expect(out.every((x) => isStaleMarker(x.v) && x.t === 1500)).toBe(true);
    expect(out.map((x) => x.labels.__name__)).toEqual([
      'node_cpu_seconds_total',
      'up',
      'scrape_duration_seconds',
      'scrape_samples_scraped',
      'scrape_samples_post_metric_relabeling',
      'scrape_series_added',
    ]);
  });
});

describe('extra_scrape_metrics', () => {
  it('reports the timeout, the sample limit and the body size after the five report series', () => {
    const state = new TargetScrapeState(settings({ extraMetrics: { timeoutSeconds: 2.5 }, sampleLimit: 10 }));
    const ok = state.success(1000, scrape(cpu0), 4, 321);
    expect(lines(ok.samples.slice(-3))).toEqual([
      'scrape_timeout_seconds{instance="a:9100", job="node"} 2.5@1000',
      'scrape_sample_limit{instance="a:9100", job="node"} 10@1000',
      'scrape_body_size_bytes{instance="a:9100", job="node"} 321@1000',
    ]);
    expect(ok.metadata.map(([name]) => name).slice(-3)).toEqual(['scrape_timeout_seconds', 'scrape_sample_limit', 'scrape_body_size_bytes']);
    const overLimit = state.failure(2000, { error: 'body size limit exceeded (limit: 10 bytes)', bodySize: -1 }, 4);
    expect(overLimit.samples.at(-1)?.v).toBe(-1);
    const refused = state.failure(3000, { error: 'connection refused' }, 4);
    expect(refused.samples.at(-1)?.v).toBe(0);
  });
});

describe('scrape_duration_seconds', () => {
  it('reads a duration function only once the samples are labelled, so it covers that work', () => {
    const state = new TargetScrapeState(settings());
    let labelled = false;
    const out = state.success(1000, scrape(cpu0, cpu1), () => {
      labelled = true;
      return 1500;
    });
    expect(labelled).toBe(true);
    expect(out.samples.find((x) => x.labels.__name__ === 'scrape_duration_seconds')?.v).toBe(1.5);
  });
});

describe('TargetScrapeState.inherit', () => {
  it('continues the series of a previous state: no stale markers for kept series, one for a vanished one', () => {
    const before = new TargetScrapeState(settings());
    before.success(1000, scrape(cpu0, cpu1), 1);
    const after = new TargetScrapeState(settings({ sampleLimit: 100 }));
    after.inherit(before);
    const out = after.success(2000, scrape(cpu0), 1);
    expect(lines(out.samples).filter((l) => l.includes('stale'))).toEqual(['node_cpu_seconds_total{cpu="1", instance="a:9100", job="node", mode="idle"} stale@2000']);
    expect(out.seriesAdded).toBe(0);
  });
});

describe('TargetScrapeState scrape cache', () => {
  const a = s('m', ['i', 'a'], 1);
  const b = s('m', ['i', 'b'], 2);
  const c = s('m', ['i', 'c'], 3);
  const scraped = (out: { samples: readonly OutputSample[] }): string[] => lines(out.samples).filter((l) => l.startsWith('m{'));

  it('follows series that moved, were inserted or removed between scrapes', () => {
    const st = new TargetScrapeState(settings());
    st.success(1000, scrape(a, b, c), 1);
    const moved = st.success(2000, scrape(c, s('m', ['i', 'new'], 9), a), 1);
    expect(scraped(moved)).toEqual([
      'm{i="c", instance="a:9100", job="node"} 3@2000',
      'm{i="new", instance="a:9100", job="node"} 9@2000',
      'm{i="a", instance="a:9100", job="node"} 1@2000',
      'm{i="b", instance="a:9100", job="node"} stale@2000',
    ]);
    expect(moved.seriesAdded).toBe(1);
    const back = st.success(3000, scrape(a, b, c), 1);
    expect(scraped(back)).toEqual([
      'm{i="a", instance="a:9100", job="node"} 1@3000',
      'm{i="b", instance="a:9100", job="node"} 2@3000',
      'm{i="c", instance="a:9100", job="node"} 3@3000',
      'm{i="new", instance="a:9100", job="node"} stale@3000',
    ]);
    expect(back.seriesAdded).toBe(1);
  });

  it('drops the entries of a series that disappeared: it is new again when it returns', () => {
    const st = new TargetScrapeState(settings());
    st.success(1000, scrape(a, b), 1);
    st.success(2000, scrape(a), 1);
    st.success(3000, scrape(a), 1);
    const cache = st as unknown as { raw: Map<string, unknown>; byKey: Map<string, unknown> };
    expect([...cache.raw.keys()]).toEqual(['m{i="a"}']);
    expect(cache.byKey.size).toBe(1);
    const returned = st.success(4000, scrape(a, b), 1);
    expect(returned.seriesAdded).toBe(1);
    expect(cache.raw.size).toBe(2);
  });

  it('treats two spellings of one series as one (a duplicate), whatever the label order', () => {
    const st = new TargetScrapeState(settings());
    for (const t of [1000, 2000]) {
      const out = st.success(t, scrape(s('m', ['x', '1', 'y', '2'], 1), s('m', ['y', '2', 'x', '1'], 2)), 1);
      expect(scraped(out)).toEqual([`m{instance="a:9100", job="node", x="1", y="2"} 1@${t}`]);
    }
  });

  it('keeps a series and its stale marker apart when it moves to an explicit timestamp', () => {
    const st = new TargetScrapeState(settings());
    st.success(1000, scrape(s('m', ['i', 'a'], 1)), 1);
    const out = st.success(2000, scrape(s('m', ['i', 'a'], 5, 1500)), 1);
    expect(scraped(out)).toEqual(['m{i="a", instance="a:9100", job="node"} 5@1500', 'm{i="a", instance="a:9100", job="node"} stale@2000']);
  });

  it('labels anew after a reload that changed metric relabelling, even when it inherits the series', () => {
    const before = new TargetScrapeState(settings());
    before.success(1000, scrape(a, b), 1);
    const after = new TargetScrapeState(settings({ metricRelabel: (l) => ({ ...l, env: 'prod' }) }));
    after.inherit(before);
    const out = after.success(2000, scrape(a, b), 1);
    expect(scraped(out)).toEqual([
      'm{env="prod", i="a", instance="a:9100", job="node"} 1@2000',
      'm{env="prod", i="b", instance="a:9100", job="node"} 2@2000',
      'm{i="a", instance="a:9100", job="node"} stale@2000',
      'm{i="b", instance="a:9100", job="node"} stale@2000',
    ]);
    expect(out.seriesAdded).toBe(2);
  });

  it('caches a series that relabelling drops, and still counts it as scraped', () => {
    let calls = 0;
    const st = new TargetScrapeState(
      settings({
        metricRelabel: (l) => {
          calls++;
          return l.i === 'b' ? null : l;
        },
      }),
    );
    st.success(1000, scrape(a, b), 1);
    const out = st.success(2000, scrape(a, b), 1);
    expect(calls).toBe(2);
    expect(out.scraped).toBe(2);
    expect(out.postRelabel).toBe(1);
    expect(scraped(out)).toEqual(['m{i="a", instance="a:9100", job="node"} 1@2000']);
  });

  it('checks label limits on every scrape, not only when the series is new', () => {
    const st = new TargetScrapeState(settings({ labelLimit: 3 }));
    for (const t of [1000, 2000]) expect(st.success(t, scrape(a, cpu0), 1).error).toContain('label_limit exceeded');
  });
});

describe('TargetScrapeState scrape cache across a sample_limit failure', () => {
  it('forgets series the failed scrape no longer had, and labels them anew when they return', () => {
    const st = new TargetScrapeState(settings({ sampleLimit: 2 }));
    const x = s('m', ['i', 'x'], 1);
    const y = s('m', ['i', 'y'], 2);
    const z = s('m', ['i', 'z'], 3);
    st.success(1000, scrape(x, y), 1);
    expect(st.success(2000, scrape(z, x, y), 1).error).toBe('sample limit exceeded');
    const cache = st as unknown as { raw: Map<string, unknown> };
    expect(cache.raw.size).toBe(3);
    const out = st.success(3000, scrape(x, z), 1);
    expect(out.error).toBeNull();
    expect(lines(out.samples).filter((l) => l.startsWith('m{'))).toEqual(['m{i="x", instance="a:9100", job="node"} 1@3000', 'm{i="z", instance="a:9100", job="node"} 3@3000']);
    expect(out.seriesAdded).toBe(1);
    expect([...cache.raw.keys()].sort()).toEqual(['m{i="x"}', 'm{i="z"}']);
  });
});
