// Fault: kill -9 of a gateway with --storage.path mid-stream — the client resumes in the same epoch with no gap but the downtime, no duplicates, no silent loss, nothing it held lost.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crashAndRestart, INTERVAL_MS, type CrashRun } from './lib/crash.ts';
import { expectNoDuplicatesTimeForward, expectOnlyDowntimeMissing } from './lib/crash-checks.ts';
import { sleep } from './lib/recorder.ts';
import { headTimestamps } from './lib/setup.ts';

describe('gateway killed with SIGKILL and restarted, head persisted with --storage.path', () => {
  let run: CrashRun;

  beforeAll(async () => {
    run = await crashAndRestart((dir) => ['--storage.path', join(dir, 'data')]);
  }, 90_000);

  afterAll(async () => {
    await run?.cleanup();
  });

  it('resumes in the same epoch without a gap', () => {
    const { recorder, epochBefore } = run;
    expect(recorder.hellos).toHaveLength(2);
    const [, after] = recorder.hellos;
    expect(after.hello.epoch).toBe(epochBefore);
    expect(after.epochChanged).toBe(false);
    expect(after.hello.gap).toBeUndefined();
  });

  it('continues right after the last batch it had, contiguously', () => {
    const { recorder, lastSeqBefore } = run;
    const seqs = recorder.batches.filter((b) => b.conn === 1).map((b) => b.seq);
    expect(seqs[0]).toBe(lastSeqBefore + 1);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0] + i));
  });

  it('sees no sample twice and every series moving forward in time', () => {
    expectNoDuplicatesTimeForward(run);
  });

  it('misses only the scrapes of the downtime', () => {
    expectOnlyDowntimeMissing(run, false);
  });

  it('has received everything the restarted gateway holds, from before and after the crash (no sequence number reused)', async () => {
    const { recorder, gateway } = run;
    const head = await headTimestamps(gateway.base, 'crash_value', '2m');
    await sleep(INTERVAL_MS);
    expect(head.size).toBe(2);
    for (const [metric, ts] of head) {
      const labels = JSON.parse(metric) as Record<string, string>;
      const got = new Set(recorder.series('crash_value', { k: labels.k }).map((s) => s.t));
      expect(ts.filter((t) => !got.has(t)), `crash_value{k="${labels.k}"} samples the client never got`).toEqual([]);
    }
  });

  it('still holds the data from before the crash', async () => {
    const { recorder, gateway } = run;
    const head = await headTimestamps(gateway.base, 'up', '2m');
    const held = new Set([...head.values()].flat());
    const before = recorder.series('up').filter((s) => s.conn === 0);
    // A batch reaches the stream only once it is in the log, so everything the client got survived the kill.
    expect(before.length).toBeGreaterThanOrEqual(4);
    expect(before.filter((s) => !held.has(s.t)).map((s) => s.t)).toEqual([]);
  });
});
