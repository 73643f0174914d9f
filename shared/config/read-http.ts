// Reads `<http_config>` (auth, TLS, headers, redirects) with prometheus/common's validation rules.

import type { Node } from 'yaml';
import type { Field, FieldSpec, YamlReader } from './yamlread.ts';
import { joinDir } from './paths.ts';
import { TLS_VERSIONS, type Authorization, type BasicAuth, type HttpClientConfig, type HttpHeader, type TLSConfig, type TLSVersion } from './types.ts';

/** The `<http_config>` fields, inlined into scrape, alertmanager and http_sd configs. */
export const HTTP_CLIENT_FIELDS: FieldSpec = {
  basic_auth: 'known',
  authorization: 'known',
  oauth2: 'unsupported',
  bearer_token: 'known',
  bearer_token_file: 'known',
  tls_config: 'known',
  follow_redirects: 'known',
  enable_http2: 'known',
  http_headers: 'known',
  proxy_url: 'unsupported',
  no_proxy: 'unsupported',
  proxy_from_environment: 'unsupported',
  proxy_connect_header: 'unsupported',
};

const BASIC_AUTH_FIELDS: FieldSpec = { username: 'known', username_file: 'known', password: 'known', password_file: 'known' };
const AUTHORIZATION_FIELDS: FieldSpec = { type: 'known', credentials: 'known', credentials_file: 'known' };
const TLS_FIELDS: FieldSpec = {
  ca: 'known',
  ca_file: 'known',
  cert: 'known',
  cert_file: 'known',
  key: 'known',
  key_file: 'known',
  server_name: 'known',
  insecure_skip_verify: 'known',
  min_version: 'known',
  max_version: 'known',
};
const HEADER_FIELDS: FieldSpec = { values: 'known', secrets: 'known', files: 'known' };

// Headers the HTTP client sets itself (prometheus/common refuses these in http_headers).
const RESERVED_HEADERS = new Set([
  'authorization',
  'host',
  'content-encoding',
  'content-length',
  'content-type',
  'user-agent',
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'www-authenticate',
  'accept-encoding',
  'x-prometheus-remote-write-version',
  'x-prometheus-remote-read-version',
  'x-prometheus-scrape-timeout-seconds',
  'upgrade',
]);

function emptyTls(): TLSConfig {
  return { insecureSkipVerify: false };
}

/** The defaults Prometheus applies when no `<http_config>` field is given. */
export function defaultHttpClientConfig(): HttpClientConfig {
  return { tlsConfig: emptyTls(), followRedirects: true, enableHttp2: true, httpHeaders: {} };
}

function tlsVersion(r: YamlReader, f: Field | undefined): TLSVersion | undefined {
  const s = r.str(f);
  if (s === undefined || s === '') return undefined;
  if ((TLS_VERSIONS as readonly string[]).includes(s)) return s as TLSVersion;
  r.error(f?.value, `${f?.name}: unknown TLS version: ${s} (use one of ${TLS_VERSIONS.join(', ')})`);
  return undefined;
}

/** Reads a `tls_config` mapping. */
export function readTlsConfig(r: YamlReader, node: Node | null, dir: string): TLSConfig {
  const f = r.struct(node, 'config.TLSConfig', TLS_FIELDS, 'tls_config');
  const tls = emptyTls();
  if (!f) return tls;
  const path = (name: string): string | undefined => {
    const v = r.str(f.get(name));
    return v ? joinDir(dir, v) : undefined;
  };
  const text = (name: string): string | undefined => r.str(f.get(name)) || undefined;
  tls.ca = text('ca');
  tls.caFile = path('ca_file');
  tls.cert = text('cert');
  tls.certFile = path('cert_file');
  tls.key = text('key');
  tls.keyFile = path('key_file');
  tls.serverName = text('server_name');
  tls.insecureSkipVerify = r.bool(f.get('insecure_skip_verify')) ?? false;
  tls.minVersion = tlsVersion(r, f.get('min_version'));
  tls.maxVersion = tlsVersion(r, f.get('max_version'));
  const at = node;
  if (tls.ca && tls.caFile) r.error(f.get('ca_file')?.key ?? at, 'tls_config: at most one of ca and ca_file must be configured');
  if (tls.cert && tls.certFile) r.error(f.get('cert_file')?.key ?? at, 'tls_config: at most one of cert and cert_file must be configured');
  if (tls.key && tls.keyFile) r.error(f.get('key_file')?.key ?? at, 'tls_config: at most one of key and key_file must be configured');
  const hasCert = Boolean(tls.cert || tls.certFile);
  const hasKey = Boolean(tls.key || tls.keyFile);
  if (hasCert && !hasKey) r.error(at, 'tls_config: exactly one of key or key_file must be configured when a client certificate is configured');
  if (hasKey && !hasCert) r.error(at, 'tls_config: exactly one of cert or cert_file must be configured when a client key is configured');
  const order = (v?: TLSVersion): number => (v ? TLS_VERSIONS.indexOf(v) : -1);
  if (tls.minVersion && tls.maxVersion && order(tls.minVersion) > order(tls.maxVersion)) {
    r.error(f.get('max_version')?.value, `tls_config: max_version must be greater than or equal to min_version (${tls.maxVersion} < ${tls.minVersion})`);
  }
  return tls;
}

function readHeaders(r: YamlReader, field: Field | undefined, dir: string): Record<string, HttpHeader> {
  const out: Record<string, HttpHeader> = {};
  for (const entry of r.entries(field) ?? []) {
    if (RESERVED_HEADERS.has(entry.name.toLowerCase())) {
      r.error(entry.key, `http_headers: setting header "${entry.name}" is not allowed`);
      continue;
    }
    const f = r.struct(entry.value, 'config.Header', HEADER_FIELDS, `http_headers.${entry.name}`);
    if (!f) continue;
    out[entry.name] = {
      values: r.strList(f.get('values')) ?? [],
      secrets: r.strList(f.get('secrets')) ?? [],
      files: (r.strList(f.get('files')) ?? []).map((p) => joinDir(dir, p)),
    };
  }
  return out;
}

/**
 * Reads the inlined `<http_config>` fields from an already-read mapping. The legacy `bearer_token` and
 * `bearer_token_file` become an `authorization` of type Bearer, as in prometheus/common.
 */
export function readHttpClientConfig(r: YamlReader, fields: Map<string, Field>, owner: Node | null, dir: string): HttpClientConfig {
  const cfg = defaultHttpClientConfig();
  cfg.followRedirects = r.bool(fields.get('follow_redirects')) ?? true;
  cfg.enableHttp2 = r.bool(fields.get('enable_http2')) ?? true;
  const tlsField = fields.get('tls_config');
  if (tlsField) cfg.tlsConfig = readTlsConfig(r, tlsField.value, dir);

  const basicField = fields.get('basic_auth');
  let basic: BasicAuth | undefined;
  if (basicField && basicField.value !== null) {
    const f = r.struct(basicField.value, 'config.BasicAuth', BASIC_AUTH_FIELDS, 'basic_auth');
    if (f) {
      basic = { username: r.str(f.get('username')) ?? '' };
      const usernameFile = r.str(f.get('username_file'));
      const password = r.str(f.get('password'));
      const passwordFile = r.str(f.get('password_file'));
      if (usernameFile) basic.usernameFile = joinDir(dir, usernameFile);
      if (password) basic.password = password;
      if (passwordFile) basic.passwordFile = joinDir(dir, passwordFile);
      if (basic.username && basic.usernameFile) r.error(basicField.key, 'basic_auth: at most one of username & username_file must be configured');
      if (basic.password && basic.passwordFile) r.error(basicField.key, 'basic_auth: at most one of password & password_file must be configured');
    }
  }

  const authField = fields.get('authorization');
  let auth: Authorization | undefined;
  if (authField && authField.value !== null) {
    const f = r.struct(authField.value, 'config.Authorization', AUTHORIZATION_FIELDS, 'authorization');
    if (f) {
      auth = { type: (r.str(f.get('type')) ?? '').trim() || 'Bearer' };
      const credentials = r.str(f.get('credentials'));
      const credentialsFile = r.str(f.get('credentials_file'));
      if (credentials) auth.credentials = credentials;
      if (credentialsFile) auth.credentialsFile = joinDir(dir, credentialsFile);
      if (auth.credentials && auth.credentialsFile) {
        r.error(authField.key, 'authorization: at most one of authorization credentials & credentials_file must be configured');
      }
      if (auth.type.toLowerCase() === 'basic') {
        r.error(f.get('type')?.value ?? authField.key, 'authorization: authorization type cannot be set to "basic", use "basic_auth" instead');
      }
    }
  }

  const tokenField = fields.get('bearer_token');
  const tokenFileField = fields.get('bearer_token_file');
  const token = r.str(tokenField);
  const tokenFile = r.str(tokenFileField);
  const anchor = tokenField?.key ?? tokenFileField?.key ?? owner;
  if (token && tokenFile) r.error(anchor, 'at most one of bearer_token & bearer_token_file must be configured');
  else if (basic && (token || tokenFile)) r.error(anchor, 'at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured');
  else if (auth && (token || tokenFile)) r.error(anchor, 'authorization is not compatible with bearer_token & bearer_token_file');
  else if (token) auth = { type: 'Bearer', credentials: token };
  else if (tokenFile) auth = { type: 'Bearer', credentialsFile: joinDir(dir, tokenFile) };
  if (basic && authField && authField.value !== null) r.error(authField.key, 'at most one of basic_auth, oauth2 & authorization must be configured');

  if (basic) cfg.basicAuth = basic;
  if (auth) cfg.authorization = auth;
  cfg.httpHeaders = readHeaders(r, fields.get('http_headers'), dir);
  return cfg;
}
