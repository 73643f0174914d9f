// The crash scenario shared by the restart tests: stream, kill -9 the gateway, restart it on the same port, stream on.
import { startExporter, type TestExporter } from '../../fixtures/exporter/exporter.ts';
import { StreamRecorder, sleep, waitUntil } from './recorder.ts';
import { freePort, startGateway, tempDir, writeConfig, type Gateway } from './setup.ts';

export const INTERVAL_MS = 1000;
export const DOWNTIME_MS = 3000;

/** What happened around the crash, for the assertions. */
export interface CrashRun {
  recorder: StreamRecorder;
  exporter: TestExporter;
  /** The restarted gateway (still running; `cleanup` stops it). */
  gateway: Gateway;
  epochBefore: string;
  /** The client's last applied sequence number on its first connection (the one the crash cut). */
  lastSeqBefore: number;
  killedAt: number;
  /** When the restarted gateway was listening again. */
  restartedAt: number;
  cleanup(): Promise<void>;
}

/** Runs the scenario; `extraArgs(dir)` adds flags (e.g. --storage.path under the temp dir), the same for both starts. */
export async function crashAndRestart(extraArgs: (dir: string) => string[]): Promise<CrashRun> {
  const tmp = tempDir('crash');
  const exporter = await startExporter({
    families: [
      {
        name: 'crash_value',
        type: 'gauge',
        help: 'Two series the crash test follows.',
        samples: [
          { name: 'crash_value', labels: { k: 'a' }, value: 1 },
          { name: 'crash_value', labels: { k: 'b' }, value: 2 },
        ],
      },
    ],
  });
  const port = await freePort();
  const args = ['--config', writeConfig(tmp.dir, 'crash', exporter.address, INTERVAL_MS), ...extraArgs(tmp.dir)];
  let gateway: Gateway | null = null;
  // Bounded: 250 ms × 200 failed tries = 50 s of reconnecting at most.
  let recorder: StreamRecorder | null = null;
  const cleanup = async (): Promise<void> => {
    await recorder?.stop();
    await gateway?.stop();
    await exporter.stop();
    tmp.remove();
  };
  try {
    gateway = await startGateway(args, port);
    recorder = new StreamRecorder(gateway.base, { delayMs: 250, maxFailures: 200 }).start();
    const rec = recorder;
    await waitUntil(() => rec.series('up').length >= 4, 20_000, '4 scrapes before the crash');
    const epochBefore = rec.follower.session.epoch as string;
    const killedAt = Date.now();
    gateway.signal('SIGKILL');
    await gateway.exited;
    await sleep(DOWNTIME_MS);
    gateway = await startGateway(args, port);
    const restartedAt = Date.now();
    await waitUntil(() => rec.hellos.length >= 2, 20_000, 'the client to reconnect');
    await waitUntil(() => rec.series('up').filter((s) => s.t > restartedAt).length >= 3, 20_000, '3 scrapes after the restart');
    const lastSeqBefore = rec.batches.filter((b) => b.conn === 0).at(-1)?.seq ?? -1;
    return { recorder: rec, exporter, gateway, epochBefore, lastSeqBefore, killedAt, restartedAt, cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}
