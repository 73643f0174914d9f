// The gateway's HTTP API for the pages, with reachability as reactive state (the top bar's offline indicator).
import { getContext } from 'svelte';
import { apiCall, type ApiResult, type FetchFn } from '../lib/api.ts';
import type { Settings } from './settings.svelte.ts';

export class GatewayApi {
  /** null until the first call; false after a call got no answer, true after any answer. */
  reachable = $state<boolean | null>(null);
  /** Wall-clock ms of the last answer. */
  lastAnswerAt = $state<number | null>(null);

  constructor(
    private readonly settings: Settings,
    private readonly fetchFn: FetchFn = (input, init) => fetch(input, init),
  ) {}

  /** GET a JSON API path. */
  get<T>(path: string, query?: Record<string, string>, signal?: AbortSignal): Promise<ApiResult<T>> {
    return this.call<T>(path, { query, signal });
  }

  /** POST a JSON body. */
  post<T>(path: string, body: unknown): Promise<ApiResult<T>> {
    return this.call<T>(path, { method: 'POST', body });
  }

  /** Checks whether the gateway answers at all (any HTTP answer counts). */
  async probe(): Promise<boolean> {
    await this.get('/api/v1/status/buildinfo');
    return this.reachable === true;
  }

  private async call<T>(path: string, opts: { method?: 'GET' | 'POST'; query?: Record<string, string>; body?: unknown; signal?: AbortSignal }): Promise<ApiResult<T>> {
    let target;
    try {
      target = this.settings.target;
    } catch (e) {
      return { kind: 'unreachable', message: `the gateway URL setting is not usable: ${e instanceof Error ? e.message : String(e)}` };
    }
    const r = await apiCall<T>(this.fetchFn, target, path, opts);
    // An aborted call says nothing about the gateway.
    if (opts.signal?.aborted) return r;
    this.reachable = r.kind !== 'unreachable';
    if (this.reachable) this.lastAnswerAt = Date.now();
    return r;
  }
}

const KEY = Symbol('gateway');

/** The context entry for mount({ context }). */
export function gatewayContext(value: GatewayApi): [symbol, GatewayApi] {
  return [KEY, value];
}

export function getGateway(): GatewayApi {
  return getContext<GatewayApi>(KEY);
}
