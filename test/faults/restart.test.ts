// Fault: kill -9 of a gateway without --storage.path mid-stream — the reconnecting client must be told of the gap, see no duplicates and miss only the downtime.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crashAndRestart, INTERVAL_MS, type CrashRun } from './lib/crash.ts';
import { expectNoDuplicatesTimeForward, expectOnlyDowntimeMissing } from './lib/crash-checks.ts';
import { sleep } from './lib/recorder.ts';
import { headTimestamps } from './lib/setup.ts';

describe('gateway killed with SIGKILL and restarted, memory-only head', () => {
  let run: CrashRun;

  beforeAll(async () => {
    run = await crashAndRestart(() => []);
  }, 90_000);

  afterAll(async () => {
    await run?.cleanup();
  });

  it('reconnects once and announces the gap: new epoch, the old epoch and sequence it resumed from', () => {
    const { recorder, epochBefore, lastSeqBefore } = run;
    expect(recorder.hellos).toHaveLength(2);
    const [, after] = recorder.hellos;
    expect(after.hello.epoch).not.toBe(epochBefore);
    expect(after.epochChanged).toBe(true);
    expect(after.hello.gap).toEqual({ epoch: epochBefore, afterSeq: lastSeqBefore, resumedAtSeq: after.hello.oldestSeq });
  });

  it('receives the new epoch from its first retained batch on, contiguously', () => {
    const { recorder } = run;
    const seqs = recorder.batches.filter((b) => b.conn === 1).map((b) => b.seq);
    expect(seqs[0]).toBe(recorder.hellos[1].hello.oldestSeq);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0] + i));
  });

  it('sees no sample twice and every series moving forward in time', () => {
    expectNoDuplicatesTimeForward(run);
  });

  it('misses only the scrapes of the downtime', () => {
    expectOnlyDowntimeMissing(run, true);
  });

  it('has received everything the restarted gateway holds', async () => {
    const { recorder, gateway } = run;
    const head = await headTimestamps(gateway.base, 'crash_value', '1m');
    await sleep(INTERVAL_MS);
    expect(head.size).toBe(2);
    for (const [metric, ts] of head) {
      const labels = JSON.parse(metric) as Record<string, string>;
      const got = new Set(recorder.series('crash_value', { k: labels.k }).filter((s) => s.conn === 1).map((s) => s.t));
      expect(ts.filter((t) => !got.has(t)), `crash_value{k="${labels.k}"} samples the client never got`).toEqual([]);
    }
  });
});
