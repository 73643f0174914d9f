// A real Prometheus scraping live loopback targets, for side-by-side scrape benchmarks; read through its query API.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startChild, waitForHttp } from './children.ts';
import { freePort } from './prometheus.ts';

export interface ScrapingPrometheus {
  baseUrl: string;
  version: string;
  stop(): Promise<void>;
}

/** Starts `binary` with `configYaml` and a fresh TSDB under `workDir`; resolves when /-/ready answers. */
export async function startScrapingPrometheus(binary: string, configYaml: string, workDir: string): Promise<ScrapingPrometheus> {
  const port = await freePort();
  const config = join(workDir, 'prometheus.yml');
  writeFileSync(config, configYaml);
  const version = spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0] ?? '';
  const child = await startChild(
    binary,
    [`--config.file=${config}`, `--storage.tsdb.path=${join(workDir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${port}`],
    /Server is ready to receive web requests/,
    120_000,
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForHttp(`${baseUrl}/-/ready`);
  return { baseUrl, version, stop: () => child.stop() };
}

/** One scrape as Prometheus recorded it. */
export interface RecordedScrape {
  /** Scrape timestamp, Unix seconds. */
  t: number;
  durationS: number;
  up: number;
  samples: number;
}

async function rangeVector(baseUrl: string, expr: string): Promise<Array<[number, string]>> {
  const r = await fetch(`${baseUrl}/api/v1/query?${new URLSearchParams({ query: expr })}`);
  const body = (await r.json()) as { status: string; error?: string; data: { result: Array<{ values: Array<[number, string]> }> } };
  if (body.status !== 'success') throw new Error(`${expr}: ${body.error}`);
  return body.data.result[0]?.values ?? [];
}

/** Every scrape of `job` in the last `windowS` seconds, oldest first. */
export async function recordedScrapes(baseUrl: string, job: string, windowS = 3600): Promise<RecordedScrape[]> {
  const sel = (name: string): string => `${name}{job="${job}"}[${windowS}s]`;
  const [dur, up, samples] = await Promise.all([
    rangeVector(baseUrl, sel('scrape_duration_seconds')),
    rangeVector(baseUrl, sel('up')),
    rangeVector(baseUrl, sel('scrape_samples_scraped')),
  ]);
  const byT = (list: Array<[number, string]>): Map<number, number> => new Map(list.map(([t, v]) => [t, Number(v)]));
  const upAt = byT(up);
  const samplesAt = byT(samples);
  return dur.map(([t, v]) => ({ t, durationS: Number(v), up: upAt.get(t) ?? NaN, samples: samplesAt.get(t) ?? NaN }));
}
