// Drives test/fixtures/exporter as a child process over its HTTP control routes (/-/control, /-/requests).
import { resolve } from 'node:path';
import { Proc, repoRoot } from '../processes.ts';

// These mirror test/fixtures/exporter's types: that folder is outside the integration tsconfig, so it is run, not imported.

export interface ExportedSample {
  name: string;
  labels: Record<string, string>;
  value: number;
  timestampMs?: number;
}

export interface ExportedFamily {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'info' | 'stateset' | 'unknown';
  help: string;
  unit?: string;
  samples: ExportedSample[];
}

export type ControlCommand =
  | { op: 'set'; families: ExportedFamily[] }
  | { op: 'put'; family: Omit<ExportedFamily, 'samples'>; samples: ExportedSample[] }
  | { op: 'remove'; name: string; labels?: Record<string, string> }
  | { op: 'behaviour'; behaviour: { gzip?: boolean; delayMs?: number } }
  | { op: 'batch'; commands: ControlCommand[] };

export interface RecordedRequest {
  at: number;
  method: string;
  url: string;
  headers: Record<string, string>;
  finishedAt?: number;
}

const tsxBin = resolve(repoRoot, 'node_modules/.bin/tsx');

/** JSON has no NaN or infinities: sample values travel as the exposition spells them. */
function encodeValue(key: string, value: unknown): unknown {
  if (key !== 'value' || typeof value !== 'number' || Number.isFinite(value)) return value;
  return Number.isNaN(value) ? 'NaN' : value > 0 ? '+Inf' : '-Inf';
}

/** A running test exporter process. */
export class ExporterProcess {
  private constructor(
    readonly proc: Proc,
    readonly port: number,
  ) {}

  /** Starts `test/fixtures/exporter/main.ts` on a free port and waits for it to listen. */
  static async start(args: readonly string[] = []): Promise<ExporterProcess> {
    const proc = new Proc(tsxBin, ['test/fixtures/exporter/main.ts', '--port', '0', ...args]);
    await proc.waitFor(/listening on http:\/\/127\.0\.0\.1:\d+/, 60_000);
    const port = Number(/127\.0\.0\.1:(\d+)/.exec(proc.stdout)?.[1]);
    return new ExporterProcess(proc, port);
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  async control(command: ControlCommand): Promise<void> {
    const res = await fetch(`http://${this.address}/-/control`, { method: 'POST', body: JSON.stringify(command, encodeValue) });
    if (!res.ok) throw new Error(`exporter control failed: ${res.status} ${await res.text()}`);
  }

  async requests(): Promise<RecordedRequest[]> {
    return (await (await fetch(`http://${this.address}/-/requests`)).json()) as RecordedRequest[];
  }

  stop(): Promise<void> {
    return this.proc.stop();
  }
}
