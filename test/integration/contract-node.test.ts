// The shared black-box gateway contract, run against the Node gateway (the workerd suite runs the same file).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runGatewayContract } from '../gateway-contract/contract.ts';
import { freePort, startGateway, type Proc } from './processes.ts';

runGatewayContract({
  name: 'node',
  async start(env) {
    const dir = mkdtempSync(join(tmpdir(), 'sightline-contract-'));
    const config = join(dir, 'prometheus.yml');
    writeFileSync(config, env.configYaml);
    for (const [name, text] of Object.entries(env.ruleFiles)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    writeFileSync(join(dir, 'alertmanager.yml'), env.alertmanagerYaml);
    const port = await freePort();
    // --storage.path keeps the head, alert state and delivery log across restart(); secrets come from the environment.
    const args = ['--config', config, '--alertmanager-config', join(dir, 'alertmanager.yml'), '--storage.path', join(dir, 'data'), '--port', String(port)];
    const launch = async (): Promise<Proc> => {
      const proc = startGateway(args, env.secrets);
      await proc.waitFor(/listening on http:\/\/127\.0\.0\.1:\d+/);
      return proc;
    };
    let gateway = await launch();
    return {
      baseUrl: `http://127.0.0.1:${port}`,
      token: null,
      async restart() {
        await gateway.stop();
        gateway = await launch();
      },
      async stop() {
        await gateway.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
});
