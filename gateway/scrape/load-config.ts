// Loads prometheus.yml with its scrape_config_files through the FileSource port, as a ConfigLoad the gateway can apply.
import { formatIssue, loadConfig, loadScrapeConfigFile } from '../../shared/config/index.ts';
import type { ScrapeConfig, ScrapeConfigFile } from '../../shared/config/types.ts';
import type { ConfigLoad } from '../gateway.ts';
import type { FileSource } from '../runtime/ports.ts';

/**
 * Reads and checks a configuration file: every problem (the main file's and each scrape_config_files file's) is
 * reported as FILE:LINE:COL text; warnings (unsupported fields, ignored discovery) come back with a success.
 */
export async function loadConfigFile(file: string, files: FileSource, env: Record<string, string | undefined>): Promise<ConfigLoad> {
  let text: string;
  try {
    text = await files.read(file);
  } catch (e) {
    return { ok: false, errors: [`${file}: cannot read config file: ${(e as Error).message}`] };
  }
  return loadConfigText(text, file, files, env);
}

/** As loadConfigFile, from text already read. */
export async function loadConfigText(text: string, file: string, files: FileSource, env: Record<string, string | undefined>): Promise<ConfigLoad> {
  const loaded = loadConfig(text, file, { env });
  const warnings = loaded.warnings.map(formatIssue);
  if (loaded.config === undefined) return { ok: false, errors: loaded.errors.map(formatIssue) };
  const config: ScrapeConfigFile = loaded.config;
  const errors: string[] = [];
  const extra: ScrapeConfig[] = [];
  for (const pattern of config.scrapeConfigFiles) {
    let matched: string[];
    try {
      matched = (await files.glob(pattern)).sort();
    } catch (e) {
      errors.push(`${file}: scrape_config_files ${pattern}: ${(e as Error).message}`);
      continue;
    }
    for (const path of matched) {
      let body: string;
      try {
        body = await files.read(path);
      } catch (e) {
        errors.push(`${path}: cannot read scrape config file: ${(e as Error).message}`);
        continue;
      }
      const r = loadScrapeConfigFile(body, path, config, [...config.scrapeConfigs, ...extra]);
      warnings.push(...r.warnings.map(formatIssue));
      if (r.errors.length > 0) errors.push(...r.errors.map(formatIssue));
      else extra.push(...(r.scrapeConfigs ?? []));
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, config: { ...config, scrapeConfigs: [...config.scrapeConfigs, ...extra] }, text, warnings };
}
