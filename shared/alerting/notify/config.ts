// Alertmanager configuration (alertmanager.yml) for the built-in notifier: strict parsing, defaults, validation, ${ENV} secrets.
import type { Scalar } from 'yaml';
import { isValidLabelName } from '../../rules/names.ts';
import { YamlDecoder, type FileProblem } from '../../rules/yamlnode.ts';
import { parseMatchers, type Matcher } from './matchers.ts';

export interface WebhookConfig {
  kind: 'webhook';
  sendResolved: boolean;
  url: string;
  /** 0 means all alerts. */
  maxAlerts: number;
  timeoutMs?: number;
}

export interface SlackConfig {
  kind: 'slack';
  sendResolved: boolean;
  apiURL: string;
  channel: string;
  username: string;
  color: string;
  title: string;
  titleLink: string;
  pretext: string;
  text: string;
  fallback: string;
  callbackID: string;
  iconEmoji: string;
  iconURL: string;
  imageURL: string;
  thumbURL: string;
  footer: string;
  linkNames: boolean;
  mrkdwnIn: string[];
}

export interface PagerDutyConfig {
  kind: 'pagerduty';
  sendResolved: boolean;
  routingKey: string;
  url: string;
  client: string;
  clientURL: string;
  description: string;
  details: Record<string, string>;
  severity: string;
  source: string;
  class: string;
  component: string;
  group: string;
}

export type IntegrationConfig = WebhookConfig | SlackConfig | PagerDutyConfig;

export interface ReceiverConfig {
  name: string;
  integrations: IntegrationConfig[];
}

/** A route as written; unset fields inherit from the parent (see buildRouteTree). */
export interface RouteConfig {
  receiver?: string;
  /** undefined = inherit; `...` sets groupByAll. */
  groupBy?: string[];
  groupByAll: boolean;
  groupWaitMs?: number;
  groupIntervalMs?: number;
  repeatIntervalMs?: number;
  matchers: Matcher[];
  continue: boolean;
  routes: RouteConfig[];
}

export interface InhibitRuleConfig {
  sourceMatchers: Matcher[];
  targetMatchers: Matcher[];
  equal: string[];
}

export interface AlertmanagerConfig {
  global: { resolveTimeoutMs: number; slackAPIURL?: string; pagerdutyURL: string };
  route: RouteConfig;
  inhibitRules: InhibitRuleConfig[];
  receivers: ReceiverConfig[];
}

export interface ConfigDeps {
  /** Values for `${NAME}` placeholders in secret fields (URLs, keys). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Reads *_file secrets; without it those fields are reported as unavailable. */
  readSecretFile?: (path: string) => { ok: true; content: string } | { ok: false; error: string };
}

export interface LoadedAlertmanagerConfig {
  /** Present only when there are no errors. */
  config?: AlertmanagerConfig;
  errors: FileProblem[];
  warnings: FileProblem[];
}

export const DEFAULT_PAGERDUTY_URL = 'https://events.pagerduty.com/v2/enqueue';

/** Integrations only a real Alertmanager can deliver, by receiver field. */
const UNSUPPORTED_RECEIVERS: Record<string, string> = {
  email_configs: 'email',
  opsgenie_configs: 'opsgenie',
  pushover_configs: 'pushover',
  victorops_configs: 'victorops',
  wechat_configs: 'wechat',
  sns_configs: 'sns',
  telegram_configs: 'telegram',
  webex_configs: 'webex',
  msteams_configs: 'msteams',
  msteamsv2_configs: 'msteamsv2',
  discord_configs: 'discord',
  jira_configs: 'jira',
  rocketchat_configs: 'rocketchat',
  incidentio_configs: 'incidentio',
};

const UNSUPPORTED_GLOBALS: Record<string, string> = {
  smtp_from: 'email',
  smtp_hello: 'email',
  smtp_smarthost: 'email',
  smtp_auth_username: 'email',
  smtp_auth_password: 'email',
  smtp_auth_password_file: 'email',
  smtp_auth_secret: 'email',
  smtp_auth_identity: 'email',
  smtp_require_tls: 'email',
  smtp_tls_config: 'email',
  opsgenie_api_url: 'opsgenie',
  opsgenie_api_key: 'opsgenie',
  opsgenie_api_key_file: 'opsgenie',
  wechat_api_url: 'wechat',
  wechat_api_secret: 'wechat',
  wechat_api_corp_id: 'wechat',
  victorops_api_url: 'victorops',
  victorops_api_key: 'victorops',
  victorops_api_key_file: 'victorops',
  telegram_api_url: 'telegram',
  webex_api_url: 'webex',
  rocketchat_api_url: 'rocketchat',
  rocketchat_api_token: 'rocketchat',
  rocketchat_api_token_id: 'rocketchat',
  jira_api_url: 'jira',
};

// Alertmanager's default notification templates, defined in default.ts and referenced by name.
const SLACK_DEFAULTS = {
  color: '{{ if eq .Status "firing" }}danger{{ else }}good{{ end }}',
  username: '{{ template "slack.default.username" . }}',
  title: '{{ template "slack.default.title" . }}',
  titleLink: '{{ template "slack.default.titlelink" . }}',
  pretext: '{{ template "slack.default.pretext" . }}',
  text: '{{ template "slack.default.text" . }}',
  fallback: '{{ template "slack.default.fallback" . }}',
  callbackID: '{{ template "slack.default.callbackid" . }}',
  iconEmoji: '{{ template "slack.default.iconemoji" . }}',
  iconURL: '{{ template "slack.default.iconurl" . }}',
  footer: '{{ template "slack.default.footer" . }}',
};

const PAGERDUTY_DEFAULT_DETAILS: Record<string, string> = {
  firing: '{{ template "pagerduty.default.instances" .Alerts.Firing }}',
  resolved: '{{ template "pagerduty.default.instances" .Alerts.Resolved }}',
  num_firing: '{{ .Alerts.Firing | len }}',
  num_resolved: '{{ .Alerts.Resolved | len }}',
};

class ConfigLoader {
  readonly warnings: FileProblem[] = [];
  /** Where each route was written, for errors found after parsing. */
  readonly routeNodes = new Map<RouteConfig, unknown>();
  constructor(
    readonly d: YamlDecoder,
    readonly deps: ConfigDeps,
  ) {}

  warn(node: unknown, message: string): void {
    this.warnings.push({ file: this.d.file, ...this.d.pos(this.d.offsetOf(node)), message });
  }

  /** Expands ${NAME} from the injected environment in a secret field. */
  secret(node: unknown): string | undefined {
    const s = this.d.string(node);
    if (s === undefined) return undefined;
    let bad = false;
    const out = s.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      const v = this.deps.env?.[name];
      if (v === undefined) {
        this.d.error(node, `environment variable ${JSON.stringify(name)} is not set`);
        bad = true;
        return '';
      }
      return v;
    });
    return bad ? undefined : out;
  }

  secretFile(node: unknown, field: string): string | undefined {
    const path = this.d.string(node);
    if (path === undefined) return undefined;
    if (!this.deps.readSecretFile) {
      this.d.error(node, `${field} cannot be read here; use the inline field with a \${ENV} placeholder`);
      return undefined;
    }
    const r = this.deps.readSecretFile(path);
    if (!r.ok) {
      this.d.error(node, `${field}: ${r.error}`);
      return undefined;
    }
    return r.content.trim();
  }

  url(node: unknown, value: string | undefined): void {
    if (value === undefined || value === '') return;
    const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(value);
    if (!m) this.d.error(node, `unsupported scheme "" for URL`);
    else if (m[1] !== 'http' && m[1] !== 'https') this.d.error(node, `unsupported scheme ${JSON.stringify(m[1])} for URL`);
  }

  matcherList(node: unknown): Matcher[] {
    const out: Matcher[] = [];
    for (const item of this.d.seq(node, 'config.Matchers')) {
      const s = this.d.string(item);
      if (s === undefined) continue;
      const r = parseMatchers(s);
      if (!r.ok) this.d.error(item, r.error);
      else out.push(...r.matchers);
    }
    return out;
  }

  legacyMatch(node: unknown, type: '=' | '=~'): Matcher[] {
    const out: Matcher[] = [];
    for (const [name, v] of this.d.stringMap(node)) {
      if (!isValidLabelName(name)) {
        this.d.error(v.keyNode, `invalid label name ${JSON.stringify(name)}`);
        continue;
      }
      if (type === '=~') {
        const r = parseMatchers(`${name}=~${JSON.stringify(v.value)}`);
        if (!r.ok) {
          this.d.error(v.valueNode, r.error);
          continue;
        }
      }
      out.push({ name, type, value: v.value });
    }
    return out;
  }

  nonZero(node: unknown, field: string): number | undefined {
    const ms = this.d.duration(node);
    if (ms === 0) this.d.error(node, `${field} cannot be zero`);
    return ms;
  }

  route(node: unknown): RouteConfig {
    const r: RouteConfig = { groupByAll: false, matchers: [], continue: false, routes: [] };
    this.routeNodes.set(r, node);
    this.d.mapping(node, 'config.Route', {
      receiver: (v) => {
        r.receiver = this.d.string(v);
      },
      group_by: (v) => {
        const seen = new Set<string>();
        r.groupBy = [];
        for (const item of this.d.seq(v, '[]string')) {
          const l = this.d.string(item);
          if (l === undefined) continue;
          if (l === '...') {
            r.groupByAll = true;
            continue;
          }
          if (!isValidLabelName(l)) this.d.error(item, `invalid label name ${JSON.stringify(l)} in group_by list`);
          else if (seen.has(l)) this.d.error(item, `duplicated label ${JSON.stringify(l)} in group_by`);
          seen.add(l);
          r.groupBy.push(l);
        }
        if (r.groupByAll && r.groupBy.length > 0) this.d.error(v, 'cannot have wildcard group_by (`...`) and other other labels at the same time');
        if (r.groupByAll) r.groupBy = [];
      },
      continue: (v) => {
        r.continue = this.d.bool(v) ?? false;
      },
      matchers: (v) => {
        r.matchers.push(...this.matcherList(v));
      },
      match: (v) => {
        r.matchers.push(...this.legacyMatch(v, '='));
      },
      match_re: (v) => {
        r.matchers.push(...this.legacyMatch(v, '=~'));
      },
      group_wait: (v) => {
        r.groupWaitMs = this.d.duration(v);
      },
      group_interval: (v) => {
        r.groupIntervalMs = this.nonZero(v, 'group_interval');
      },
      repeat_interval: (v) => {
        r.repeatIntervalMs = this.nonZero(v, 'repeat_interval');
      },
      mute_time_intervals: (v, k) => {
        if (this.d.seq(v, '[]string').length > 0) this.warn(k, 'mute_time_intervals are ignored: time intervals need a real Alertmanager');
      },
      active_time_intervals: (v, k) => {
        if (this.d.seq(v, '[]string').length > 0) this.warn(k, 'active_time_intervals are ignored: time intervals need a real Alertmanager');
      },
      routes: (v) => {
        for (const child of this.d.seq(v, '[]*config.Route')) r.routes.push(this.route(child));
      },
    });
    return r;
  }

  inhibitRule(node: unknown): InhibitRuleConfig {
    const r: InhibitRuleConfig = { sourceMatchers: [], targetMatchers: [], equal: [] };
    this.d.mapping(node, 'config.InhibitRule', {
      source_matchers: (v) => r.sourceMatchers.push(...this.matcherList(v)),
      target_matchers: (v) => r.targetMatchers.push(...this.matcherList(v)),
      source_match: (v) => r.sourceMatchers.push(...this.legacyMatch(v, '=')),
      source_match_re: (v) => r.sourceMatchers.push(...this.legacyMatch(v, '=~')),
      target_match: (v) => r.targetMatchers.push(...this.legacyMatch(v, '=')),
      target_match_re: (v) => r.targetMatchers.push(...this.legacyMatch(v, '=~')),
      equal: (v) => {
        for (const item of this.d.seq(v, '[]string')) {
          const l = this.d.string(item);
          if (l === undefined) continue;
          if (!isValidLabelName(l)) this.d.error(item, `invalid label name ${JSON.stringify(l)} in equal list`);
          else r.equal.push(l);
        }
      },
    });
    return r;
  }

  ignoredHTTPConfig(k: Scalar): void {
    this.warn(k, 'http_config is ignored by the built-in notifier');
  }

  webhook(node: unknown): WebhookConfig | undefined {
    const c: WebhookConfig = { kind: 'webhook', sendResolved: true, url: '', maxAlerts: 0 };
    let urlNode: unknown;
    let hasURL = false;
    let hasFile = false;
    this.d.mapping(node, 'config.WebhookConfig', {
      send_resolved: (v) => {
        c.sendResolved = this.d.bool(v) ?? true;
      },
      http_config: (_v, k) => this.ignoredHTTPConfig(k),
      url: (v) => {
        hasURL = true;
        urlNode = v;
        c.url = this.secret(v) ?? '';
        this.url(v, c.url);
      },
      url_file: (v) => {
        hasFile = true;
        urlNode = v;
        c.url = this.secretFile(v, 'url_file') ?? '';
      },
      max_alerts: (v) => {
        const n = this.d.int(v);
        if (n !== undefined && n < 0) this.d.error(v, 'max_alerts must not be negative');
        c.maxAlerts = Math.max(0, n ?? 0);
      },
      timeout: (v) => {
        c.timeoutMs = this.d.duration(v);
      },
    });
    if (hasURL && hasFile) this.d.error(urlNode, 'at most one of url & url_file must be configured');
    if (!hasURL && !hasFile) this.d.error(node, 'one of url or url_file must be configured');
    return c;
  }

  slack(node: unknown, globalURL: string | undefined): SlackConfig {
    const c: SlackConfig = {
      kind: 'slack',
      sendResolved: false,
      apiURL: '',
      channel: '',
      ...SLACK_DEFAULTS,
      imageURL: '',
      thumbURL: '',
      linkNames: false,
      mrkdwnIn: [],
    };
    let has = 0;
    const str = (field: keyof SlackConfig) => (v: unknown) => {
      (c as unknown as Record<string, unknown>)[field] = this.d.string(v) ?? '';
    };
    this.d.mapping(node, 'config.SlackConfig', {
      send_resolved: (v) => {
        c.sendResolved = this.d.bool(v) ?? false;
      },
      http_config: (_v, k) => this.ignoredHTTPConfig(k),
      api_url: (v) => {
        has++;
        c.apiURL = this.secret(v) ?? '';
        this.url(v, c.apiURL);
      },
      api_url_file: (v) => {
        has++;
        c.apiURL = this.secretFile(v, 'api_url_file') ?? '';
      },
      channel: str('channel'),
      username: str('username'),
      color: str('color'),
      title: str('title'),
      title_link: str('titleLink'),
      pretext: str('pretext'),
      text: str('text'),
      fallback: str('fallback'),
      callback_id: str('callbackID'),
      icon_emoji: str('iconEmoji'),
      icon_url: str('iconURL'),
      image_url: str('imageURL'),
      thumb_url: str('thumbURL'),
      footer: str('footer'),
      link_names: (v) => {
        c.linkNames = this.d.bool(v) ?? false;
      },
      short_fields: (v) => void this.d.bool(v),
      mrkdwn_in: (v) => {
        c.mrkdwnIn = this.d.seq(v, '[]string').map((x) => this.d.string(x) ?? '');
      },
      fields: (_v, k) => this.warn(k, 'slack fields are ignored by the built-in notifier'),
      actions: (_v, k) => this.warn(k, 'slack actions are ignored by the built-in notifier'),
    });
    if (has > 1) this.d.error(node, 'at most one of api_url & api_url_file must be configured');
    if (has === 0) {
      if (globalURL === undefined) this.d.error(node, 'no global Slack API URL set');
      else c.apiURL = globalURL;
    }
    return c;
  }

  pagerduty(node: unknown, globalURL: string): PagerDutyConfig {
    const c: PagerDutyConfig = {
      kind: 'pagerduty',
      sendResolved: true,
      routingKey: '',
      url: globalURL,
      client: '{{ template "pagerduty.default.client" . }}',
      clientURL: '{{ template "pagerduty.default.clientURL" . }}',
      description: '{{ template "pagerduty.default.description" .}}',
      details: {},
      severity: '',
      source: '',
      class: '',
      component: '',
      group: '',
    };
    let keys = 0;
    const str = (field: 'client' | 'clientURL' | 'description' | 'severity' | 'source' | 'class' | 'component' | 'group') => (v: unknown) => {
      c[field] = this.d.string(v) ?? '';
    };
    this.d.mapping(node, 'config.PagerdutyConfig', {
      send_resolved: (v) => {
        c.sendResolved = this.d.bool(v) ?? true;
      },
      http_config: (_v, k) => this.ignoredHTTPConfig(k),
      routing_key: (v) => {
        keys++;
        c.routingKey = this.secret(v) ?? '';
      },
      routing_key_file: (v) => {
        keys++;
        c.routingKey = this.secretFile(v, 'routing_key_file') ?? '';
      },
      service_key: (v) => {
        keys++;
        this.d.error(v, 'service_key (PagerDuty Events API v1) needs a real Alertmanager; use routing_key');
      },
      service_key_file: (v) => {
        keys++;
        this.d.error(v, 'service_key_file (PagerDuty Events API v1) needs a real Alertmanager; use routing_key');
      },
      url: (v) => {
        c.url = this.secret(v) ?? '';
        this.url(v, c.url);
      },
      client: str('client'),
      client_url: str('clientURL'),
      description: str('description'),
      details: (v) => {
        for (const [k, e] of this.d.stringMap(v)) c.details[k] = e.value;
      },
      severity: str('severity'),
      source: str('source'),
      class: str('class'),
      component: str('component'),
      group: str('group'),
      images: (_v, k) => this.warn(k, 'pagerduty images are ignored by the built-in notifier'),
      links: (_v, k) => this.warn(k, 'pagerduty links are ignored by the built-in notifier'),
    });
    if (keys === 0) this.d.error(node, 'missing service or routing key in PagerDuty config');
    if (keys > 1) this.d.error(node, 'at most one of routing_key & routing_key_file must be configured');
    for (const [k, v] of Object.entries(PAGERDUTY_DEFAULT_DETAILS)) if (!(k in c.details)) c.details[k] = v;
    if (c.source === '') c.source = c.client;
    return c;
  }

  receiver(node: unknown, global: AlertmanagerConfig['global']): ReceiverConfig {
    const r: ReceiverConfig = { name: '', integrations: [] };
    const fields: Record<string, (v: unknown, k: Scalar) => void> = {
      name: (v) => {
        r.name = this.d.string(v) ?? '';
      },
      webhook_configs: (v) => {
        for (const n of this.d.seq(v, '[]*config.WebhookConfig')) {
          const c = this.webhook(n);
          if (c) r.integrations.push(c);
        }
      },
      slack_configs: (v) => {
        for (const n of this.d.seq(v, '[]*config.SlackConfig')) r.integrations.push(this.slack(n, global.slackAPIURL));
      },
      pagerduty_configs: (v) => {
        for (const n of this.d.seq(v, '[]*config.PagerdutyConfig')) r.integrations.push(this.pagerduty(n, global.pagerdutyURL));
      },
    };
    for (const [field, kind] of Object.entries(UNSUPPORTED_RECEIVERS)) {
      fields[field] = (v, k) => {
        if (this.d.seq(v, '[]interface {}').length > 0) this.warn(k, `receiver ${JSON.stringify(r.name)}: ${kind} needs a real Alertmanager (${field} ignored)`);
      };
    }
    this.d.mapping(node, 'config.Receiver', fields);
    if (r.name === '') this.d.error(node, 'missing name in receiver');
    return r;
  }
}

function checkReceivers(loader: ConfigLoader, route: RouteConfig, names: Set<string>): void {
  if (route.receiver !== undefined && route.receiver !== '' && !names.has(route.receiver)) {
    loader.d.error(loader.routeNodes.get(route), `undefined receiver ${JSON.stringify(route.receiver)} used in route`);
  }
  for (const r of route.routes) checkReceivers(loader, r, names);
}

/** Parses and validates an Alertmanager YAML config; defaults as Alertmanager sets them. */
export function loadAlertmanagerConfig(text: string, file: string, deps: ConfigDeps = {}): LoadedAlertmanagerConfig {
  const d = new YamlDecoder(text, file);
  const loader = new ConfigLoader(d, deps);
  const global: AlertmanagerConfig['global'] = { resolveTimeoutMs: 5 * 60_000, pagerdutyURL: DEFAULT_PAGERDUTY_URL };
  let route: RouteConfig | undefined;
  let routeNode: unknown;
  const inhibitRules: InhibitRuleConfig[] = [];
  const receivers: ReceiverConfig[] = [];
  let receiverNodes: unknown[] = [];
  const roots = d.documents();
  const root = roots[0];
  if (roots.length > 1) d.error(roots[1], 'an Alertmanager config must be a single YAML document');

  // The global section is read first: receivers inherit from it wherever it appears.
  const globalFields: Record<string, (v: unknown, k: Scalar) => void> = {
    resolve_timeout: (v) => {
      global.resolveTimeoutMs = d.duration(v) ?? global.resolveTimeoutMs;
    },
    http_config: (_v, k) => loader.ignoredHTTPConfig(k),
    slack_api_url: (v) => {
      global.slackAPIURL = loader.secret(v);
      loader.url(v, global.slackAPIURL);
    },
    slack_api_url_file: (v) => {
      global.slackAPIURL = loader.secretFile(v, 'slack_api_url_file');
    },
    pagerduty_url: (v) => {
      global.pagerdutyURL = loader.secret(v) ?? DEFAULT_PAGERDUTY_URL;
      loader.url(v, global.pagerdutyURL);
    },
  };
  for (const [field, kind] of Object.entries(UNSUPPORTED_GLOBALS)) globalFields[field] = (_v, k) => loader.warn(k, `global.${field} is ignored: ${kind} needs a real Alertmanager`);

  d.mapping(root, 'config.Config', {
    global: (v) => d.mapping(v, 'config.GlobalConfig', globalFields),
    route: () => undefined,
    inhibit_rules: () => undefined,
    receivers: () => undefined,
    templates: (v, k) => {
      if (d.seq(v, '[]string').length > 0) loader.warn(k, 'templates files are ignored: only the default templates and inline ones are available');
    },
    time_intervals: (v, k) => {
      if (d.seq(v, '[]config.TimeInterval').length > 0) loader.warn(k, 'time_intervals are ignored: time intervals need a real Alertmanager');
    },
    mute_time_intervals: (v, k) => {
      if (d.seq(v, '[]config.MuteTimeInterval').length > 0) loader.warn(k, 'mute_time_intervals are ignored: time intervals need a real Alertmanager');
    },
  });
  // Second pass over the sections that depend on global.
  d.mapping(root, 'config.Config', {
    global: () => undefined,
    templates: () => undefined,
    time_intervals: () => undefined,
    mute_time_intervals: () => undefined,
    route: (v) => {
      routeNode = v;
      route = loader.route(v);
    },
    inhibit_rules: (v) => {
      for (const n of d.seq(v, '[]config.InhibitRule')) inhibitRules.push(loader.inhibitRule(n));
    },
    receivers: (v) => {
      receiverNodes = d.seq(v, '[]config.Receiver');
      for (const n of receiverNodes) receivers.push(loader.receiver(n, global));
    },
  });
  // mapping() reports unknown top-level fields twice (once per pass); keep one of each.
  const seen = new Set<string>();
  const unique = d.errors.filter((e) => {
    const k = `${e.line}:${e.col}:${e.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  d.errors.length = 0;
  d.errors.push(...unique);

  const names = new Set<string>();
  receivers.forEach((r, i) => {
    if (r.name !== '' && names.has(r.name)) d.error(receiverNodes[i], `notification config name ${JSON.stringify(r.name)} is not unique`);
    names.add(r.name);
  });
  if (!route) d.error(root, 'no routes provided');
  else {
    if (!route.receiver) d.error(routeNode, 'root route must specify a default receiver');
    if (route.matchers.length > 0) d.error(routeNode, 'root route must not have any matchers');
    checkReceivers(loader, route, names);
  }
  d.errors.sort((a, b) => a.line - b.line || a.col - b.col);
  if (d.errors.length > 0 || !route) return { errors: d.errors, warnings: loader.warnings };
  return { config: { global, route, inhibitRules, receivers }, errors: [], warnings: loader.warnings };
}
