// Runs the soak exporter as its own process (so its CPU does not compete with the stream clients' event loop): `--targets N --series M`.
import { startSoakExporter } from './soak-exporter.ts';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const v = i === -1 ? fallback : Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v < 1) {
    process.stderr.write(`soak exporter: ${name} needs a positive integer\n`);
    process.exit(2);
  }
  return v;
}

async function main(): Promise<void> {
  const exporter = await startSoakExporter({ targets: flag('--targets', 200), series: flag('--series', 500) });
  // The line the bench waits for; target addresses come from GET /served on the control port.
  process.stdout.write(`soak exporter ready control=${exporter.control}\n`);
  const shutdown = (): void => void exporter.stop().then(() => process.exit(0));
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  // The parent's death closes our stdin: never outlive the bench.
  process.stdin.on('close', shutdown);
  process.stdin.resume();
}

void main();
