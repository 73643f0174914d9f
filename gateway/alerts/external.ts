// Sends alerts to the real Alertmanagers of `alerting.alertmanagers` as Prometheus's notifier does: queue, batches of 64, POST /api/v2/alerts.
import { compileRelabelConfigs, relabel, type CompiledRelabelConfig } from '../../shared/config/relabel.ts';
import type { AlertingConfig, AlertmanagerConfig } from '../../shared/config/types.ts';
import type { PostableAlert } from '../../shared/alerting/state.ts';
import type { Clock, FetchFn, Scheduler } from '../runtime/ports.ts';
import { sendRequest } from './http.ts';

/** Prometheus's maxBatchSize. */
export const MAX_BATCH = 64;
/** --alertmanager.notification-queue-capacity. */
export const DEFAULT_QUEUE_CAPACITY = 10_000;

/** One discovered Alertmanager. */
export interface AlertmanagerTarget {
  /** POST target, e.g. http://127.0.0.1:9093/api/v2/alerts. */
  alertsURL: string;
  /** Base URL (scheme, address, path prefix), for the silences API. */
  baseURL: string;
  headers: Record<string, string>;
  timeoutMs: number;
  alertRelabel: CompiledRelabelConfig[];
}

export interface ExternalAlertmanagersDeps {
  fetchFn: FetchFn;
  clock: Clock;
  scheduler: Scheduler;
  userAgent: string;
  log?: (line: string) => void;
  queueCapacity?: number;
  /** Reads `*_file` credentials (Node); without it such settings are reported and skipped. */
  readSecretFile?: (path: string) => string;
}

/** Counters as Prometheus's prometheus_notifications_* metrics count them. */
export interface SenderStats {
  sent: number;
  errors: number;
  dropped: number;
  queueLength: number;
}

function defaultPort(address: string, scheme: string): string {
  if (/:\d+$/.test(address) || /^\[.*\]:\d+$/.test(address)) return address;
  return `${address}:${scheme === 'https' ? 443 : 80}`;
}

function joinPath(prefix: string, p: string): string {
  return (prefix.replace(/\/+$/, '') + p).replace(/\/{2,}/g, '/');
}

function base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

/** Authorization header of an alertmanager config (inline secrets, or files through readSecretFile). */
function authHeaders(am: AlertmanagerConfig, read: ((p: string) => string) | undefined, problems: string[]): Record<string, string> {
  const h: Record<string, string> = {};
  const secret = (inline: string | undefined, file: string | undefined, what: string): string | undefined => {
    if (inline !== undefined) return inline;
    if (file === undefined) return undefined;
    if (!read) {
      problems.push(`${what} file ${file} cannot be read here`);
      return undefined;
    }
    try {
      return read(file).trim();
    } catch (e) {
      problems.push(`cannot read ${what} file ${file}: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  };
  const ba = am.http.basicAuth;
  if (ba) {
    const user = ba.usernameFile ? (secret(undefined, ba.usernameFile, 'username') ?? '') : ba.username;
    const pass = secret(ba.password, ba.passwordFile, 'password') ?? '';
    h.Authorization = `Basic ${base64(`${user}:${pass}`)}`;
  }
  const auth = am.http.authorization;
  if (auth) {
    const cred = secret(auth.credentials, auth.credentialsFile, 'credentials');
    if (cred !== undefined) h.Authorization = `${auth.type} ${cred}`;
  }
  for (const [name, v] of Object.entries(am.http.httpHeaders)) {
    const values = [...v.values, ...v.secrets];
    if (values.length > 0) h[name] = values.join(', ');
  }
  return h;
}

/** The Alertmanagers of one config section: static targets after relabel_configs (dropped ones reported). */
export function resolveAlertmanagers(
  alerting: AlertingConfig,
  read?: (p: string) => string,
): { active: AlertmanagerTarget[]; dropped: string[]; problems: string[] } {
  const active: AlertmanagerTarget[] = [];
  const dropped: string[] = [];
  const problems: string[] = [];
  for (const am of alerting.alertmanagers) {
    const relabelTargets = compileRelabelConfigs(am.relabelConfigs);
    const alertRelabel = compileRelabelConfigs(am.alertRelabelConfigs);
    const headers = authHeaders(am, read, problems);
    if (am.fileSDConfigs.length > 0 || am.httpSDConfigs.length > 0) problems.push('alertmanager discovery other than static_configs is not supported yet; those targets are ignored');
    for (const group of am.staticConfigs) {
      for (const t of group.targets) {
        const alertsPath = joinPath(am.pathPrefix, '/api/v2/alerts');
        const labels = { ...group.labels, ...t, __scheme__: am.scheme, __alerts_path__: alertsPath };
        const out = relabel(labels, relabelTargets);
        const shown = `${am.scheme}://${t.__address__ ?? ''}${alertsPath}`;
        if (out === null || !out.__address__) {
          dropped.push(shown);
          continue;
        }
        const scheme = out.__scheme__ ?? am.scheme;
        const address = defaultPort(out.__address__, scheme);
        const path = out.__alerts_path__ ?? alertsPath;
        active.push({
          alertsURL: `${scheme}://${address}${path}`,
          baseURL: `${scheme}://${address}${am.pathPrefix === '/' ? '' : am.pathPrefix.replace(/\/+$/, '')}`,
          headers,
          timeoutMs: am.timeoutMs,
          alertRelabel,
        });
      }
    }
  }
  return { active, dropped, problems };
}

/** Prometheus's notifier queue: alerts in, batches out to every Alertmanager; no retries (rules re-send). */
export class ExternalAlertmanagers {
  private queue: PostableAlert[] = [];
  private sending: Promise<void> | null = null;
  private targets: AlertmanagerTarget[] = [];
  private droppedTargets: string[] = [];
  private readonly stats = { sent: 0, errors: 0, dropped: 0 };

  constructor(private readonly deps: ExternalAlertmanagersDeps) {}

  /** Replaces the Alertmanager set (config load or reload). */
  apply(alerting: AlertingConfig): void {
    const r = resolveAlertmanagers(alerting, this.deps.readSecretFile);
    for (const p of r.problems) this.deps.log?.(`alertmanager config: ${p}`);
    this.targets = r.active;
    this.droppedTargets = r.dropped;
  }

  /** True when there is at least one Alertmanager to send to. */
  get enabled(): boolean {
    return this.targets.length > 0;
  }

  /** Base URLs of the active Alertmanagers (for forwarding silences). */
  alertmanagers(): AlertmanagerTarget[] {
    return this.targets;
  }

  /** `/api/v1/alertmanagers` data. */
  apiStatus(): { activeAlertmanagers: { url: string }[]; droppedAlertmanagers: { url: string }[] } {
    return { activeAlertmanagers: this.targets.map((t) => ({ url: t.alertsURL })), droppedAlertmanagers: this.droppedTargets.map((url) => ({ url })) };
  }

  getStats(): SenderStats {
    return { ...this.stats, queueLength: this.queue.length };
  }

  /** Queues alerts (already carrying external labels and global relabeling); the oldest are dropped when full. */
  send(alerts: readonly PostableAlert[]): void {
    if (this.targets.length === 0 || alerts.length === 0) return;
    const cap = this.deps.queueCapacity ?? DEFAULT_QUEUE_CAPACITY;
    let incoming = [...alerts];
    if (incoming.length > cap) {
      this.stats.dropped += incoming.length - cap;
      incoming = incoming.slice(incoming.length - cap);
    }
    const overflow = this.queue.length + incoming.length - cap;
    if (overflow > 0) {
      this.stats.dropped += overflow;
      this.queue.splice(0, overflow);
    }
    this.queue.push(...incoming);
    if (!this.sending) void this.drain();
  }

  /** Sends everything queued; resolves when the queue is empty (tests and shutdown). */
  drain(): Promise<void> {
    if (this.sending) return this.sending;
    this.sending = (async () => {
      while (this.queue.length > 0) await this.sendAll(this.queue.splice(0, MAX_BATCH));
    })().finally(() => {
      this.sending = null;
    });
    return this.sending;
  }

  private async sendAll(batch: PostableAlert[]): Promise<void> {
    await Promise.all(
      this.targets.map(async (t) => {
        const alerts = t.alertRelabel.length === 0 ? batch : relabelAlerts(batch, t.alertRelabel);
        if (alerts.length === 0) return;
        const res = await sendRequest(
          { fetchFn: this.deps.fetchFn, scheduler: this.deps.scheduler, now: () => this.deps.clock.now(), timeoutMs: t.timeoutMs },
          'POST',
          t.alertsURL,
          JSON.stringify(alerts),
          { 'Content-Type': 'application/json', 'User-Agent': this.deps.userAgent, ...t.headers },
        );
        if (res.status !== undefined && res.status >= 200 && res.status < 300) {
          this.stats.sent += alerts.length;
          return;
        }
        this.stats.errors += alerts.length;
        const why = res.error ?? `bad response status ${res.status}${res.body ? `: ${res.body.trim()}` : ''}`;
        this.deps.log?.(`error sending ${alerts.length} alert(s) to Alertmanager ${t.alertsURL}: ${why}`);
      }),
    );
  }
}

/** Applies relabel configs to each alert's labels; alerts relabelled away are dropped. */
export function relabelAlerts(alerts: readonly PostableAlert[], configs: readonly CompiledRelabelConfig[]): PostableAlert[] {
  const out: PostableAlert[] = [];
  for (const a of alerts) {
    const labels = relabel(a.labels, configs);
    if (labels === null) continue;
    out.push({ ...a, labels: { ...labels } });
  }
  return out;
}

/** What Prometheus's notifier does to every alert first: external labels where the alert has none, then alerting.alert_relabel_configs. */
export function prepareAlerts(alerts: readonly PostableAlert[], externalLabels: Readonly<Record<string, string>>, relabelConfigs: readonly CompiledRelabelConfig[]): PostableAlert[] {
  const withExternal = alerts.map((a) => {
    const labels = { ...a.labels };
    for (const [k, v] of Object.entries(externalLabels)) if (labels[k] === undefined || labels[k] === '') labels[k] = v;
    return { ...a, labels };
  });
  return relabelConfigs.length === 0 ? withExternal : relabelAlerts(withExternal, relabelConfigs);
}
