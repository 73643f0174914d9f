// User settings (gateway URL, token, theme), persisted in localStorage; context helpers for components.
import { getContext } from 'svelte';
import { MediaQuery } from 'svelte/reactivity';
import { resolveGatewayUrl } from '../lib/gatewayUrl.ts';
import type { GatewayTarget } from '../worker/protocol.ts';

export type ThemeChoice = 'system' | 'light' | 'dark';

interface Stored {
  gatewayUrl: string;
  token: string;
  theme: ThemeChoice;
  /** Browser-store retention: how long (Prometheus duration) and how large (GiB). */
  retention?: string;
  retentionGiB?: number;
}

/** Prometheus's default retention time, and the studio's default size cap. */
export const DEFAULT_RETENTION = '15d';
export const DEFAULT_RETENTION_GIB = 1;

const STORAGE_KEY = 'sightline.settings';

export class Settings {
  /** Gateway base URL; '' means the origin the studio was loaded from. */
  gatewayUrl = $state('');
  /** Sent as `Authorization: Bearer <token>` when not empty. */
  token = $state('');
  theme = $state<ThemeChoice>('system');
  retention = $state(DEFAULT_RETENTION);
  retentionGiB = $state(DEFAULT_RETENTION_GIB);
  private readonly prefersDark = new MediaQuery('(prefers-color-scheme: dark)');

  /** The theme actually shown. */
  resolvedTheme = $derived<'light' | 'dark'>(
    this.theme === 'system' ? (this.prefersDark.current ? 'dark' : 'light') : this.theme,
  );

  constructor(private readonly storage: Storage = localStorage) {
    try {
      const saved = JSON.parse(storage.getItem(STORAGE_KEY) ?? '{}') as Partial<Stored>;
      if (typeof saved.gatewayUrl === 'string') this.gatewayUrl = saved.gatewayUrl;
      if (typeof saved.token === 'string') this.token = saved.token;
      if (saved.theme === 'light' || saved.theme === 'dark' || saved.theme === 'system') this.theme = saved.theme;
      if (typeof saved.retention === 'string' && saved.retention !== '') this.retention = saved.retention;
      if (typeof saved.retentionGiB === 'number' && saved.retentionGiB > 0) this.retentionGiB = saved.retentionGiB;
    } catch {
      // Corrupt settings fall back to the defaults rather than breaking the studio.
    }
  }

  save(): void {
    const s: Stored = {
      gatewayUrl: this.gatewayUrl.trim(),
      token: this.token.trim(),
      theme: this.theme,
      retention: this.retention,
      retentionGiB: this.retentionGiB,
    };
    this.storage.setItem(STORAGE_KEY, JSON.stringify(s));
  }

  /** Where the worker should stream from: an absolute base URL (same origin when none is set) and the token. */
  get target(): GatewayTarget {
    return { baseUrl: resolveGatewayUrl(this.gatewayUrl, location.href), token: this.token.trim() };
  }
}

const KEY = Symbol('settings');

/** The context entry for mount({ context }), so the app shell is handed the instance main.ts created. */
export function settingsContext(value: Settings): [symbol, Settings] {
  return [KEY, value];
}

export function getSettings(): Settings {
  return getContext<Settings>(KEY);
}
