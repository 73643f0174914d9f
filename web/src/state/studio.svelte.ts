// The studio's link to its data worker as reactive state: stream status, store statistics, change notifications.
import { getContext } from 'svelte';
import type { WorkerClient } from '../worker/client.ts';
import { INITIAL_STATUS, type DataChange, type GatewayTarget, type StoreReport, type StreamStatus } from '../worker/protocol.ts';

export class Studio {
  status = $state.raw<StreamStatus>(INITIAL_STATUS);
  stats = $state.raw<StoreReport | null>(null);
  lastChange = $state.raw<DataChange | null>(null);
  /** Wall clock, ticking once a second, for "x s ago" displays. */
  now = $state(Date.now());
  private statsTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(readonly client: WorkerClient) {
    client.on('status', (s) => (this.status = s));
    client.on('data-changed', (c) => {
      this.lastChange = c;
      this.scheduleStats();
    });
    setInterval(() => (this.now = Date.now()), 1000);
    void this.refreshStats();
  }

  /** (Re)connects the worker's stream. */
  connect(target: GatewayTarget): Promise<null> {
    return this.client.request('configure', { target });
  }

  async refreshStats(): Promise<void> {
    this.stats = await this.client.request('stats', {});
  }

  /** Stats after a burst of changes, at most every 500 ms. */
  private scheduleStats(): void {
    if (this.statsTimer) return;
    this.statsTimer = setTimeout(() => {
      this.statsTimer = null;
      void this.refreshStats();
    }, 500);
  }
}

const KEY = Symbol('studio');

/** The context entry for mount({ context }), so the app shell is handed the instance main.ts created. */
export function studioContext(value: Studio): [symbol, Studio] {
  return [KEY, value];
}

export function getStudio(): Studio {
  return getContext<Studio>(KEY);
}
