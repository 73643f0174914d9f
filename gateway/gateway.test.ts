// Tests for configuration reload and discovery through a whole gateway: kept, removed and new targets, bad configs.
import { describe, expect, it } from 'vitest';
import { formatLabels } from '../shared/model/labels.ts';
import { isStaleMarker } from '../shared/model/stale.ts';
import { createGateway, type ConfigLoad } from './gateway.ts';
import { FakeTime } from './runtime/fake-time.ts';
import type { FetchFn, FileSource } from './runtime/ports.ts';
import { loadConfigText } from './scrape/load-config.ts';
import { parseScrapeBody } from './scrape/parse.ts';

const config = (jobs: string) => `global:
  scrape_interval: 10s
scrape_configs:
${jobs}`;
const job = (name: string, target: string) => `  - job_name: ${name}
    static_configs:
      - targets: ['${target}']
`;

function setup(initial: string, files: Record<string, string> = {}) {
  const time = new FakeTime(1_700_000_000_000);
  const fetched: string[] = [];
  const fetchFn: FetchFn = async (url) => {
    fetched.push(url);
    return new Response(`m{u="${new URL(url).host}"} 1\n`, { headers: { 'Content-Type': 'text/plain; version=0.0.4' } });
  };
  const fs: FileSource = {
    read: async (p) => {
      if (!(p in files)) throw new Error(`ENOENT: no such file or directory, open '${p}'`);
      return files[p];
    },
    glob: async (p) => (p in files ? [p] : []),
  };
  let text = initial;
  const load = (): Promise<ConfigLoad> => loadConfigText(text, '/etc/s/prometheus.yml', fs, {});
  const logs: string[] = [];
  return (async () => {
    const first = await load();
    if (!first.ok) throw new Error(first.errors.join('\n'));
    const gw = createGateway({
      config: first.config,
      reloadConfig: load,
      files: fs,
      parse: parseScrapeBody,
      fetchFn,
      clock: time,
      scheduler: time,
      epoch: 'e',
      build: { version: '1', revision: '', branch: '', buildUser: '', buildDate: '', runtime: 'test' },
      configYaml: initial,
      flags: {},
      log: (l) => logs.push(l),
    });
    const samples = () => {
      const out: string[] = [];
      for (let seq = gw.head.oldestSeq; seq < gw.head.nextSeq; seq++) {
        const b = gw.head.batch(seq);
        b?.ids.forEach((id, i) => out.push(`${formatLabels(gw.head.series(id)?.labels ?? {})} ${isStaleMarker(b.vals[i]) ? 'stale' : b.vals[i]}`));
      }
      return out;
    };
    return { gw, time, fetched, samples, logs, setText: (t: string) => (text = t), files };
  })();
}

describe('reload', () => {
  it('keeps unchanged targets running, stales removed ones, starts new ones', async () => {
    const s = await setup(config(job('a', 'a:1') + job('b', 'b:1')));
    s.gw.start();
    await s.time.advance(10_000);
    expect(new Set(s.fetched)).toEqual(new Set(['http://a:1/metrics', 'http://b:1/metrics']));
    const aBefore = s.gw.manager.targets().find((t) => t.spec.pool === 'a');

    s.setText(config(job('a', 'a:1') + job('c', 'c:1')));
    const before = s.samples().length;
    expect(await s.gw.reload()).toEqual({ ok: true, errors: [] });
    const changed = s.samples().slice(before);
    expect(changed.filter((l) => l.endsWith(' stale')).sort()).toEqual(
      [
        'm{instance="b:1", job="b", u="b:1"} stale',
        'scrape_duration_seconds{instance="b:1", job="b"} stale',
        'scrape_samples_post_metric_relabeling{instance="b:1", job="b"} stale',
        'scrape_samples_scraped{instance="b:1", job="b"} stale',
        'scrape_series_added{instance="b:1", job="b"} stale',
        'up{instance="b:1", job="b"} stale',
      ].sort(),
    );
    // The kept target is the same loop: its state (last scrape time) survived.
    const aAfter = s.gw.manager.targets().find((t) => t.spec.pool === 'a');
    expect(aAfter?.lastScrape).toBe(aBefore?.lastScrape);
    expect(aAfter?.lastScrape).not.toBeNull();
    s.fetched.length = 0;
    await s.time.advance(10_000);
    expect(new Set(s.fetched)).toEqual(new Set(['http://a:1/metrics', 'http://c:1/metrics']));
    expect((await s.gw.app.request('/api/v1/status/config')).status).toBe(200);
    expect(((await (await s.gw.app.request('/api/v1/status/config')).json()) as { data: { yaml: string } }).data.yaml).toContain("job_name: c");
    s.gw.stop();
  });

  it('continues a target’s series without stale markers when only its interval changed, as Prometheus reuses its cache', async () => {
    const s = await setup(config(job('a', 'a:1')));
    s.gw.start();
    await s.time.advance(10_000);
    const before = s.samples().length;
    s.setText(config(job('a', 'a:1')).replace('scrape_interval: 10s', 'scrape_interval: 5s'));
    expect((await s.gw.reload()).ok).toBe(true);
    s.fetched.length = 0;
    await s.time.advance(10_000);
    expect(s.fetched).toEqual(['http://a:1/metrics', 'http://a:1/metrics']);
    const after = s.samples().slice(before);
    expect(after.filter((l) => l.endsWith(' stale'))).toEqual([]);
    // scrape_series_added knows the series from before the reload.
    expect(after.filter((l) => l.startsWith('scrape_series_added'))).toEqual(['scrape_series_added{instance="a:1", job="a"} 0', 'scrape_series_added{instance="a:1", job="a"} 0']);
    // A change that alters the samples (here: a relabel rule) starts over, with stale markers.
    s.setText(config(job('a', 'a:1') + "    metric_relabel_configs: [{ source_labels: [u], target_label: v }]\n"));
    const mid = s.samples().length;
    expect((await s.gw.reload()).ok).toBe(true);
    expect(s.samples().slice(mid).filter((l) => l.endsWith(' stale')).length).toBeGreaterThan(0);
    s.gw.stop();
  });

  it('keeps the old configuration when the new one is invalid, and says why (POST /-/reload answers 500)', async () => {
    const s = await setup(config(job('a', 'a:1')));
    s.gw.start();
    s.setText('global:\n  scrape_interval: 10x\n');
    const r = await s.gw.reload();
    expect(r.ok).toBe(false);
    expect(r.errors[0]).toMatch(/^\/etc\/s\/prometheus\.yml:2:\d+: .*10x/);
    expect(s.gw.manager.targets().map((t) => t.spec.url)).toEqual(['http://a:1/metrics']);
    const res = await s.gw.app.request('/-/reload', { method: 'POST' });
    expect(res.status).toBe(500);
    expect(await res.text()).toMatch(/^failed to reload config: \/etc\/s\/prometheus\.yml:2:/);
    const metrics = await (await s.gw.app.request('/metrics')).text();
    expect(metrics).toContain('sightline_config_last_reload_successful 0\n');
    expect(s.logs.some((l) => l.startsWith('reload failed, keeping the previous configuration'))).toBe(true);
    s.setText(config(job('a', 'a:1')));
    expect((await s.gw.app.request('/-/reload', { method: 'POST' })).status).toBe(200);
    expect(await (await s.gw.app.request('/metrics')).text()).toContain('sightline_config_last_reload_successful 1\n');
    s.gw.stop();
  });

  it('lets other components follow reloads, failing the reload when they report errors', async () => {
    const s = await setup(config(job('a', 'a:1')));
    s.gw.start();
    const seen: string[] = [];
    s.gw.onReload((c) => {
      seen.push(c.scrapeConfigs.map((sc) => sc.jobName).join());
      return seen.length > 1 ? ['rules.yml:1:1: bad rule'] : [];
    });
    expect((await s.gw.reload()).ok).toBe(true);
    expect(await s.gw.reload()).toEqual({ ok: false, errors: ['rules.yml:1:1: bad rule'] });
    expect(seen).toEqual(['a', 'a']);
    s.gw.stop();
  });
});

describe('discovered targets', () => {
  it('scrapes file_sd targets with their __meta_* labels available to relabelling', async () => {
    const files = { '/etc/s/sd.json': '[{"targets": ["x:1"], "labels": {"team": "t1"}}]' };
    const s = await setup(
      config(`  - job_name: f
    file_sd_configs: [{ files: [sd.json] }]
    relabel_configs:
      - { source_labels: [__meta_filepath], target_label: from }
`),
      files,
    );
    s.gw.start();
    await s.time.advance(0);
    const targets = s.gw.manager.targets();
    expect(targets.map((t) => [t.spec.url, t.spec.settings.targetLabels])).toEqual([
      ['http://x:1/metrics', { from: '/etc/s/sd.json', instance: 'x:1', job: 'f', team: 't1' }],
    ]);
    expect(targets[0].spec.discoveredLabels.__meta_filepath).toBe('/etc/s/sd.json');
    s.gw.stop();
  });
});
