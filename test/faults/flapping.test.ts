// Fault: a target alternating up and down — `up`, report series and staleness on the stream must follow each scrape exactly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isStaleMarker } from '../../shared/model/stale.ts';
import { FLAP_SERIES, startFlapper, type Flapper } from './lib/flapper.ts';
import { StreamRecorder, sleep, waitUntil, type RecordedSample } from './lib/recorder.ts';
import { api, freePort, startGateway, tempDir, writeConfig, type Gateway } from './lib/setup.ts';

const INTERVAL_MS = 1000;
// Up/down per request: alternating, with a repeated down (no second round of stale markers) and a repeated up.
const PATTERN = [true, false, true, false, false, true, true, false];
const SCRAPES = PATTERN.length * 2;

describe('a flapping target', () => {
  let tmp: ReturnType<typeof tempDir>;
  let flapper: Flapper;
  let gateway: Gateway;
  let recorder: StreamRecorder;
  let answered: boolean[];

  beforeAll(async () => {
    tmp = tempDir('flap');
    flapper = await startFlapper(PATTERN);
    const config = writeConfig(tmp.dir, 'flap', flapper.address, INTERVAL_MS);
    gateway = await startGateway(['--config', config], await freePort());
    // Connected before the first scrape (which comes within one interval), and without `after`: sees every batch.
    recorder = new StreamRecorder(gateway.base).start();
    await waitUntil(() => flapper.answered.length >= SCRAPES, SCRAPES * INTERVAL_MS + 20_000, `${SCRAPES} scrapes`);
    answered = flapper.answered.slice(0, SCRAPES);
    await waitUntil(() => recorder.series('up').length >= SCRAPES, 5000, 'the last scrape on the stream');
  }, 90_000);

  afterAll(async () => {
    await recorder?.stop();
    await gateway?.stop();
    await flapper?.stop();
    tmp?.remove();
  });

  /** The samples of scrape i (by its `up` timestamp). */
  const scrape = (i: number): { t: number; at: (name: string, labels?: Record<string, string>) => RecordedSample[] } => {
    const t = recorder.series('up')[i].t;
    return { t, at: (name, labels = {}) => recorder.series(name, labels).filter((s) => s.t === t) };
  };

  it('reports up = 1 or 0 for every scrape, in the order the target answered', () => {
    const ups = recorder.series('up').slice(0, SCRAPES);
    expect(ups.map((s) => s.v)).toEqual(answered.map((up) => (up ? 1 : 0)));
    expect(ups.every((s) => s.labels.job === 'flap' && s.labels.instance === flapper.address)).toBe(true);
  });

  it('sends real samples when up, stale markers on the first failed scrape only, nothing on later failures', () => {
    for (let i = 0; i < SCRAPES; i++) {
      const { t, at } = scrape(i);
      const prevUp = i > 0 && answered[i - 1];
      for (const s of FLAP_SERIES) {
        const got = at(s.name, s.labels);
        const where = `scrape ${i + 1} (${answered[i] ? 'up' : 'down'}, previous ${prevUp ? 'up' : 'down'}) ${s.name}${JSON.stringify(s.labels)} at ${t}`;
        if (answered[i]) {
          expect(got, where).toHaveLength(1);
          expect(isStaleMarker(got[0].v), where).toBe(false);
        } else if (prevUp) {
          expect(got, where).toHaveLength(1);
          expect(isStaleMarker(got[0].v), `${where} should be a stale marker`).toBe(true);
        } else {
          expect(got, where).toHaveLength(0);
        }
      }
      // The page carries its request number: each up scrape shows the response it fetched, none skipped or reused.
      if (answered[i]) expect(at('flap_value', { a: '1' })[0].v, `scrape ${i + 1}`).toBe(i + 1);
    }
  });

  it('keeps the report series on every scrape, with samples scraped 0 when down', () => {
    for (let i = 0; i < SCRAPES; i++) {
      const { at } = scrape(i);
      for (const name of ['scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_samples_post_metric_relabeling', 'scrape_series_added']) {
        expect(at(name), `scrape ${i + 1} ${name}`).toHaveLength(1);
      }
      expect(at('scrape_samples_scraped')[0].v, `scrape ${i + 1} scrape_samples_scraped`).toBe(answered[i] ? FLAP_SERIES.length : 0);
      expect(at('scrape_duration_seconds')[0].v).toBeGreaterThanOrEqual(0);
    }
  });

  it('delivers every batch once, in order, without errors', () => {
    expect(recorder.duplicates).toEqual([]);
    expect(recorder.duplicateSamples()).toEqual([]);
    expect(recorder.errors).toEqual([]);
    expect(recorder.follower.decodeErrors).toEqual([]);
    const seqs = recorder.batches.map((b) => b.seq);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0] + i));
  });

  it('answers queries as Prometheus would: no flap_value right after a failed scrape, both series right after a good one', async () => {
    // Instant queries just after a scrape's timestamp see that scrape's stale markers (or fresh samples).
    const down = answered.findIndex((up, i) => !up && i > 0 && answered[i - 1]);
    const up = answered.findIndex((u, i) => u && i > 0 && !answered[i - 1]);
    await sleep(10);
    const at = async (i: number): Promise<number> => {
      const t = (scrape(i).t + 1) / 1000;
      const d = await api<{ result: unknown[] }>(gateway.base, `/api/v1/query?query=flap_value&time=${t}`);
      return d.result.length;
    };
    expect(await at(down)).toBe(0);
    expect(await at(up)).toBe(2);
  });
});
