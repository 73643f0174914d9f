// The shared black-box gateway contract, run against the Node gateway (the workerd suite runs the same file).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGatewayContract } from '../gateway-contract/contract.ts';
import { freePort, startGateway } from './processes.ts';

runGatewayContract({
  name: 'node',
  async start(env) {
    const dir = mkdtempSync(join(tmpdir(), 'sightline-contract-'));
    const config = join(dir, 'prometheus.yml');
    writeFileSync(config, env.configYaml);
    const port = await freePort();
    const gateway = startGateway(['--config', config, '--port', String(port)]);
    await gateway.waitFor(/listening on http:\/\/127\.0\.0\.1:\d+/);
    return {
      baseUrl: `http://127.0.0.1:${port}`,
      token: null,
      async stop() {
        await gateway.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
});
