// Cloudflare Workers entry point: token check at the edge, every request to the one gateway Durable Object.
import packageJson from '../package.json';
import { checkAccess } from './worker/auth.ts';
import { bundledConfig, bundledRules } from './worker/config/bundled.ts';
import type { DurableStateLike, WorkerEnv } from './worker/env.ts';
import { GatewayObject } from './worker/gateway-object.ts';

/** Name of the single gateway object: one scrape loop and one head per deployment. */
const GATEWAY_NAME = 'gateway';

/** The Durable Object class wrangler.toml binds as GATEWAY. */
export class SightlineGateway extends GatewayObject {
  constructor(ctx: DurableStateLike, env: WorkerEnv) {
    super(ctx, env, { bundled: bundledConfig, bundledRules, version: packageJson.version });
  }
}

function gatewayStub(env: WorkerEnv) {
  return env.GATEWAY.get(env.GATEWAY.idFromName(GATEWAY_NAME));
}

export default {
  /** API, stream and health requests (static studio files are served by Workers assets before this runs). */
  async fetch(request: Request, env: WorkerEnv): Promise<Response> {
    const refused = checkAccess(request, env.SIGHTLINE_TOKEN);
    if (refused !== null) return refused;
    return gatewayStub(env).fetch(request);
  },

  /** Cron Trigger fallback: wakes the gateway object, whose start-up re-arms its alarm if it was ever lost. */
  async scheduled(_controller: unknown, env: WorkerEnv): Promise<void> {
    await gatewayStub(env).fetch(new Request('https://gateway.internal/-/ready'));
  },
};
