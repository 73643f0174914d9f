// The Worker's configuration: prometheus.yml from a var, KV or the bundle; `*_file` secrets from Worker secrets.
import { formatIssue, loadConfig, parseDuration, type HttpClientConfig, type ScrapeConfigFile } from '../../shared/config/index.ts';
import { resolveTargets, type ResolvedTargets } from '../scrape/from-config.ts';
import type { WorkerEnv } from './env.ts';

/** A config file's text and the name it is reported under. */
export interface ConfigSource {
  file: string;
  text: string;
}

/** The KV key holding prometheus.yml when the SIGHTLINE_CONFIG_KV binding is used. */
export const CONFIG_KV_KEY = 'prometheus.yml';

/** Workers have 128 MB: the head keeps a shorter window than the Node gateway's 1 h by default. */
export const DEFAULT_WORKER_RETENTION_MS = 15 * 60_000;

/** Picks the config: the SIGHTLINE_CONFIG var, else the KV copy, else the file bundled at deploy time. */
export async function readConfigSource(env: WorkerEnv, bundled: ConfigSource): Promise<ConfigSource> {
  if (typeof env.SIGHTLINE_CONFIG === 'string' && env.SIGHTLINE_CONFIG.trim() !== '') return { file: 'SIGHTLINE_CONFIG', text: env.SIGHTLINE_CONFIG };
  if (env.SIGHTLINE_CONFIG_KV !== undefined) {
    const text = await env.SIGHTLINE_CONFIG_KV.get(CONFIG_KV_KEY, 'text');
    if (text !== null) return { file: `SIGHTLINE_CONFIG_KV/${CONFIG_KV_KEY}`, text };
  }
  return bundled;
}

/** A loaded Worker configuration, or every problem that stops the gateway from starting. */
export type WorkerConfig =
  | { ok: true; config: ScrapeConfigFile; targets: ResolvedTargets; retentionMs: number; warnings: string[] }
  | { ok: false; errors: string[]; warnings: string[] };

/** Loads and checks the config against what a Worker can do, and fills `*_file` secrets in from `env`. */
export function loadWorkerConfig(source: ConfigSource, env: WorkerEnv): WorkerConfig {
  const strings: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (typeof v === 'string') strings[k] = v;
  const loaded = loadConfig(source.text, source.file, { env: strings });
  const warnings = loaded.warnings.map(formatIssue);
  const errors = loaded.errors.map(formatIssue);
  let retentionMs = DEFAULT_WORKER_RETENTION_MS;
  if (env.SIGHTLINE_RETENTION !== undefined && env.SIGHTLINE_RETENTION !== '') {
    const parsed = parseDuration(env.SIGHTLINE_RETENTION);
    if (parsed === null || parsed <= 0) errors.push(`SIGHTLINE_RETENTION: ${JSON.stringify(env.SIGHTLINE_RETENTION)} is not a positive duration such as "15m"`);
    else retentionMs = parsed;
  }
  if (loaded.config === undefined || errors.length > 0) return { ok: false, errors, warnings };
  const config: ScrapeConfigFile = { ...loaded.config, scrapeConfigs: [] };
  for (const sc of loaded.config.scrapeConfigs) {
    const where = `${formatIssue({ ...sc.position, message: '' }).replace(/: $/, '')}: job "${sc.jobName}"`;
    if (sc.fileSDConfigs.length > 0) warnings.push(`${where}: file_sd_configs are not available on Workers (no file system); only static_configs are scraped`);
    if (sc.httpSDConfigs.length > 0) warnings.push(`${where}: http_sd_configs are not supported on Workers yet; only static_configs are scraped`);
    const http = withSecrets(sc.http, env, where, errors);
    // Only static targets: the gateway's discovery then has nothing a Worker cannot run.
    config.scrapeConfigs.push({ ...sc, http, fileSDConfigs: [], httpSDConfigs: [] });
  }
  if (errors.length > 0) return { ok: false, errors, warnings };
  const targets = resolveTargets(config);
  for (const e of targets.errors) warnings.push(e);
  const warned = new Set<string>();
  for (const t of targets.active) {
    const host = new URL(t.url).hostname;
    if (warned.has(host) || !unreachableFromWorkers(host)) continue;
    warned.add(host);
    warnings.push(
      `job "${t.pool}": target ${t.url}: a deployed Worker cannot fetch ${host} (IP addresses and localhost are refused); ` +
        'give the exporter a public DNS name, e.g. through a Cloudflare Tunnel (this works under `wrangler dev` only)',
    );
  }
  return { ok: true, config, targets, retentionMs, warnings };
}

/** Prometheus trims the whitespace around a secret read from a file; a Worker secret stands in for the file. */
function secretFor(path: string, setting: string, env: WorkerEnv, where: string, errors: string[]): string | undefined {
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    errors.push(`${where}: ${setting} ${JSON.stringify(path)}: on Workers a ${setting} names a Worker secret; use a name like NODE_PASSWORD`);
    return undefined;
  }
  const value = env[name];
  if (typeof value !== 'string') {
    errors.push(
      `${where}: ${setting} ${JSON.stringify(path)}: no Worker secret ${name}; set it with \`wrangler secret put ${name}\` (local development: add ${name}=… to .dev.vars)`,
    );
    return undefined;
  }
  return value.trim();
}

/** The job's http_config with every `*_file` replaced by the secret it names; TLS files cannot be honoured. */
function withSecrets(http: HttpClientConfig, env: WorkerEnv, where: string, errors: string[]): HttpClientConfig {
  const out: HttpClientConfig = { ...http, httpHeaders: { ...http.httpHeaders } };
  const auth = http.authorization;
  if (auth?.credentialsFile !== undefined) {
    const credentials = secretFor(auth.credentialsFile, 'credentials_file', env, where, errors);
    out.authorization = { type: auth.type, credentials };
  }
  const basic = http.basicAuth;
  if (basic !== undefined && (basic.usernameFile !== undefined || basic.passwordFile !== undefined)) {
    out.basicAuth = {
      username: basic.usernameFile !== undefined ? (secretFor(basic.usernameFile, 'username_file', env, where, errors) ?? '') : basic.username,
      password: basic.passwordFile !== undefined ? secretFor(basic.passwordFile, 'password_file', env, where, errors) : basic.password,
    };
  }
  for (const [name, header] of Object.entries(http.httpHeaders)) {
    if (header.files.length === 0) continue;
    const fromFiles = header.files.map((f) => secretFor(f, `http_headers ${name} files`, env, where, errors) ?? '');
    out.httpHeaders[name] = { values: header.values, secrets: [...header.secrets, ...fromFiles], files: [] };
  }
  const tls = http.tlsConfig;
  for (const [field, value] of [['ca_file', tls.caFile], ['cert_file', tls.certFile], ['key_file', tls.keyFile]] as const) {
    if (value !== undefined) errors.push(`${where}: tls_config ${field}: Workers cannot read files or present client certificates; remove it`);
  }
  return out;
}


/** Deployed Workers fetch only public host names: IP literals and localhost are refused at the edge. */
export function unreachableFromWorkers(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':');
}
