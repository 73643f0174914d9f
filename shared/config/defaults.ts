// The config `npm start` uses when no prometheus.yml is given: Sightline scraping itself every 5s.

import { loadConfig } from './load.ts';
import type { ScrapeConfigFile } from './types.ts';

/** The file name the embedded default config reports in messages and positions. */
export const DEFAULT_CONFIG_FILE = '<default config>';

/** The embedded default prometheus.yml text for a gateway listening on `port`. */
export function defaultConfigText(port: number): string {
  return [
    '# Sightline default configuration: the gateway scrapes its own /metrics.',
    'global:',
    '  scrape_interval: 5s',
    '',
    'scrape_configs:',
    "  - job_name: 'sightline'",
    '    static_configs:',
    `      - targets: ['localhost:${port}']`,
    '',
  ].join('\n');
}

/** The embedded default config, loaded through the same path as a user's file. */
export function defaultConfig(port: number): ScrapeConfigFile {
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new RangeError(`defaultConfig: invalid port ${port}`);
  const res = loadConfig(defaultConfigText(port), DEFAULT_CONFIG_FILE);
  if (!res.config) throw new Error(`embedded default config is invalid: ${res.errors.map((e) => e.message).join('; ')}`);
  return res.config;
}
