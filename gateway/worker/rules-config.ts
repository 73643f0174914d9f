// The Worker's rules and built-in notifier setup: rule files and alertmanager.yml from the bundle, KV or vars; secrets from Worker secrets.
import { loadAlertmanagerConfig, type AlertmanagerConfig } from '../../shared/alerting/notify/config.ts';
import { dirname, joinDir } from '../../shared/config/paths.ts';
import { memoryRuleSource, type RuleFileSource } from '../rules/load.ts';
import type { ConfigSource } from './config.ts';
import type { WorkerEnv } from './env.ts';

/** KV key of the built-in notifier's config in SIGHTLINE_CONFIG_KV. */
export const ALERTMANAGER_KV_KEY = 'alertmanager.yml';

/** What the deployment bundled besides prometheus.yml. */
export interface BundledRules {
  /** Rule files by their path relative to prometheus.yml's directory, e.g. `rules/node.yml`. */
  ruleFiles: Readonly<Record<string, string>>;
  /** alertmanager.yml for the built-in notifier (a file of comments only means no built-in notifier). */
  alertmanager?: ConfigSource;
}

/** Rule files from every source, keyed relative to prometheus.yml's directory; later sources win by name. */
export async function collectRuleFiles(env: WorkerEnv, bundled: BundledRules): Promise<{ files: Record<string, string>; errors: string[] }> {
  const files: Record<string, string> = { ...bundled.ruleFiles };
  const errors: string[] = [];
  const kv = env.SIGHTLINE_CONFIG_KV;
  if (kv?.list !== undefined) {
    let cursor: string | undefined;
    do {
      const page = await kv.list({ prefix: 'rules/', cursor });
      for (const k of page.keys) {
        const text = await kv.get(k.name, 'text');
        if (text !== null) files[k.name] = text;
      }
      cursor = page.list_complete ? undefined : page.cursor;
    } while (cursor !== undefined);
  }
  const inline = env.SIGHTLINE_RULE_FILES;
  if (typeof inline === 'string' && inline.trim() !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(inline);
    } catch (e) {
      parsed = undefined;
      errors.push(`SIGHTLINE_RULE_FILES: not JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (parsed !== undefined) {
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !Object.values(parsed).every((v) => typeof v === 'string')) {
        errors.push('SIGHTLINE_RULE_FILES: must be a JSON object mapping rule file paths (relative to prometheus.yml) to their YAML text');
      } else Object.assign(files, parsed as Record<string, string>);
    }
  }
  return { files, errors };
}

/** A RuleFileSource over `files`, placed in the directory rule_files patterns are resolved against (the config's). */
export function workerRuleSource(files: Readonly<Record<string, string>>, configFile: string): RuleFileSource {
  const dir = dirname(configFile);
  const placed: Record<string, string> = {};
  for (const [name, text] of Object.entries(files)) placed[joinDir(dir, name)] = text;
  return memoryRuleSource(placed);
}

/** Picks alertmanager.yml: the SIGHTLINE_ALERTMANAGER_YML var, else the KV copy, else the bundled file. */
export async function readAlertmanagerSource(env: WorkerEnv, bundled: BundledRules): Promise<ConfigSource | undefined> {
  const v = env.SIGHTLINE_ALERTMANAGER_YML;
  if (typeof v === 'string' && v.trim() !== '') return { file: 'SIGHTLINE_ALERTMANAGER_YML', text: v };
  if (env.SIGHTLINE_CONFIG_KV !== undefined) {
    const text = await env.SIGHTLINE_CONFIG_KV.get(ALERTMANAGER_KV_KEY, 'text');
    if (text !== null) return { file: `SIGHTLINE_CONFIG_KV/${ALERTMANAGER_KV_KEY}`, text };
  }
  return bundled.alertmanager;
}

/**
 * Reads a `*_file` secret on Workers: the setting names the Worker secret of its last path segment
 * (`password_file: AM_PASSWORD` or `/run/secrets/AM_PASSWORD`). Used for alertmanager.yml's `*_file` fields and
 * prometheus.yml's `alerting.alertmanagers` credentials.
 */
export function readWorkerSecret(env: WorkerEnv, path: string): { ok: true; content: string } | { ok: false; error: string } {
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return { ok: false, error: `on Workers this names a Worker secret; use a name like HOOK_URL, not ${JSON.stringify(path)}` };
  const value = env[name];
  if (typeof value !== 'string') return { ok: false, error: `no Worker secret ${name}; set it with \`wrangler secret put ${name}\` (local development: add ${name}=… to .dev.vars)` };
  return { ok: true, content: value };
}

/** readWorkerSecret in the throwing shape the Alertmanager client's readSecretFile has. */
export function workerSecretFile(env: WorkerEnv): (path: string) => string {
  return (path) => {
    const r = readWorkerSecret(env, path);
    if (!r.ok) throw new Error(r.error);
    return r.content;
  };
}

/** True when a YAML text holds nothing but comments and blank lines. */
function onlyComments(text: string): boolean {
  return text.split('\n').every((l) => l.trim() === '' || l.trim().startsWith('#'));
}

/**
 * Loads the built-in notifier's config. Secrets never sit in the file: `${NAME}` placeholders and `*_file`
 * settings (`url_file: HOOK_URL`, the last path segment) read the Worker secret of that name.
 */
export function loadWorkerNotifierConfig(source: ConfigSource | undefined, env: WorkerEnv): { config?: AlertmanagerConfig; errors: string[]; warnings: string[] } {
  if (source === undefined || onlyComments(source.text)) return { errors: [], warnings: [] };
  const strings: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (typeof v === 'string') strings[k] = v;
  const loaded = loadAlertmanagerConfig(source.text, source.file, {
    env: strings,
    readSecretFile: (path) => readWorkerSecret(env, path),
  });
  const fmt = (p: { file: string; line: number; col: number; message: string }): string => `${p.file}:${p.line}:${p.col}: ${p.message}`;
  return { config: loaded.config, errors: loaded.errors.map(fmt), warnings: loaded.warnings.map(fmt) };
}
