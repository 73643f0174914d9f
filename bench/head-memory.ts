// The soak's head, without sockets or timers: Head driven in simulated time with the soak's shape, every batch
// encoded for stream clients as the gateway does, the live heap measured after a forced GC each simulated minute.
// Deterministic (no wall clock, no randomness), so it shows whether memory is flat once the head window is full.
//
//   node --expose-gc --import tsx bench/head-memory.ts [--targets 50] [--series 505] [--minutes 15] [--retention-min 5] [--clients 5]
//
// Exits 1 when the live heap (or array buffers) after the window filled grows more than 10 % over its first
// full-window reading.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { labelsKey, type Labels } from '../shared/model/labels.ts';
import { Head, type AppendSample } from '../gateway/head/head.ts';
import { ConnectionState } from '../gateway/stream/encode.ts';

interface Args {
  targets: number;
  series: number;
  minutes: number;
  retentionMin: number;
  clients: number;
  intervalS: number;
}

function parseArgs(argv: readonly string[]): Args {
  const a: Args = { targets: 50, series: 505, minutes: 15, retentionMin: 5, clients: 5, intervalS: 5 };
  for (let i = 0; i < argv.length; i += 2) {
    const v = Number(argv[i + 1]);
    if (!Number.isFinite(v) || v <= 0) throw new Error(`${argv[i]} needs a positive number`);
    if (argv[i] === '--targets') a.targets = v;
    else if (argv[i] === '--series') a.series = v;
    else if (argv[i] === '--minutes') a.minutes = v;
    else if (argv[i] === '--retention-min') a.retentionMin = v;
    else if (argv[i] === '--clients') a.clients = v;
    else throw new Error(`unknown flag ${argv[i]}`);
  }
  return a;
}

interface Row {
  minute: number;
  heapMB: number;
  arrayBuffersMB: number;
  headSamples: number;
  headBatches: number;
}

function main(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) {
    process.stderr.write('run with node --expose-gc --import tsx bench/head-memory.ts\n');
    process.exit(2);
  }
  const args = parseArgs(process.argv.slice(2));
  const head = new Head({ epoch: 'mem', retentionMs: args.retentionMin * 60_000 });
  const clients = Array.from({ length: args.clients }, () => new ConnectionState((id) => head.series(id)?.labels, () => head.nextSeriesId));
  // Each target's page: the soak's families (a counter plus gauges in 5 families), labelled per target.
  const pages: Array<Array<{ labels: Labels; key: string }>> = [];
  for (let t = 0; t < args.targets; t++) {
    const page: Array<{ labels: Labels; key: string }> = [];
    for (let s = 0; s < args.series; s++) {
      const labels: Labels =
        s === 0
          ? { __name__: 'soak_scrapes_total', instance: `127.0.0.1:${20000 + t}`, job: 'soak' }
          : { __name__: `soak_gauge_${s % 5}`, instance: `127.0.0.1:${20000 + t}`, job: 'soak', series: String(s) };
      page.push({ labels, key: labelsKey(labels) });
    }
    pages.push(page);
  }
  const start = 1_700_000_000_000;
  const stepMs = args.intervalS * 1000;
  const rows: Row[] = [];
  let scrape = 0;
  for (let now = start; now <= start + args.minutes * 60_000; now += stepMs) {
    scrape++;
    for (let t = 0; t < args.targets; t++) {
      const samples: AppendSample[] = pages[t].map((p, s) => ({
        labels: p.labels,
        key: p.key,
        t: now,
        v: s === 0 ? scrape : ((scrape * 7919 + s * 104729 + t) % 100_003) / 97,
      }));
      const batch = head.append(samples, now);
      if (batch !== null) for (const c of clients) c.encodeBatch(batch);
    }
    if ((now - start) % 60_000 === 0) {
      // Twice: the first full GC leaves freed array buffer backing stores to a concurrent sweeper.
      gc();
      gc();
      const mem = process.memoryUsage();
      const stats = head.stats();
      const row: Row = {
        minute: (now - start) / 60_000,
        heapMB: round(mem.heapUsed / 1e6),
        arrayBuffersMB: round(mem.arrayBuffers / 1e6),
        headSamples: stats.samples,
        headBatches: stats.batches,
      };
      rows.push(row);
      process.stdout.write(`minute ${row.minute}: heap ${row.heapMB} MB, array buffers ${row.arrayBuffersMB} MB, head ${row.headSamples} samples in ${row.headBatches} batches\n`);
    }
  }
  // Full = one compaction after the window (the head compacts once a minute).
  const full = rows.filter((r) => r.minute >= args.retentionMin + 1);
  const growth = (pick: (r: Row) => number): number =>
    full.length < 2 ? 0 : round((100 * (Math.max(...full.map(pick)) - pick(full[0]))) / pick(full[0]));
  const result = { args, rows, heapGrowthPct: growth((r) => r.heapMB), arrayBufferGrowthPct: growth((r) => r.arrayBuffersMB) };
  const out = join(dirname(fileURLToPath(import.meta.url)), 'results', 'head-memory.json');
  writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(
    `after the window filled (minute ${full[0]?.minute ?? '-'} on): heap grew at most ${result.heapGrowthPct} %, array buffers ${result.arrayBufferGrowthPct} % → ${out}\n`,
  );
  if (result.heapGrowthPct > 10 || result.arrayBufferGrowthPct > 10) process.exit(1);
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

main();
