// Reads service-discovery sections: static_configs, file_sd_configs and http_sd_configs (others warn).

import type { Node } from 'yaml';
import type { Field, FieldSpec, YamlReader } from './yamlread.ts';
import { HTTP_CLIENT_FIELDS, readHttpClientConfig } from './read-http.ts';
import { isValidLabelName, isValidUtf8, type Labels } from './labels.ts';
import { joinDir } from './paths.ts';
import type { FileSDConfig, HttpSDConfig, ServiceDiscovery, TargetGroup } from './types.ts';

/** Discovery mechanisms Prometheus has and Sightline does not run: accepted with a warning. */
export const UNSUPPORTED_SD = [
  'aws', 'azure', 'consul', 'digitalocean', 'docker', 'dockerswarm', 'dns', 'ec2', 'eureka', 'gce', 'hetzner', 'ionos',
  'kubernetes', 'kuma', 'lightsail', 'linode', 'marathon', 'nerve', 'nomad', 'oci', 'openstack', 'outscale', 'ovhcloud',
  'puppetdb', 'scaleway', 'serverset', 'stackit', 'triton', 'uyuni', 'vultr',
].map((name) => `${name}_sd_configs`);

/** The discovery fields shared by scrape and alertmanager configs. */
export const SD_FIELDS: FieldSpec = {
  static_configs: 'known',
  file_sd_configs: 'known',
  http_sd_configs: 'known',
  ...Object.fromEntries(UNSUPPORTED_SD.map((n) => [n, 'unsupported'])),
};

const GROUP_FIELDS: FieldSpec = { targets: 'known', labels: 'known' };
const FILE_SD_FIELDS: FieldSpec = { files: 'known', refresh_interval: 'known' };
const HTTP_SD_FIELDS: FieldSpec = { url: 'known', refresh_interval: 'known', ...HTTP_CLIENT_FIELDS };
const FILE_SD_NAME = /^[^*]*(\*[^/]*)?\.(json|yml|yaml|JSON|YML|YAML)$/;
const DEFAULT_FILE_SD_REFRESH_MS = 5 * 60_000;
const DEFAULT_HTTP_SD_REFRESH_MS = 60_000;

/**
 * Checks a target address: Prometheus rejects anything with a `/` (a URL instead of host:port);
 * Sightline also rejects a malformed port or unbracketed IPv6 address, which could never be scraped.
 */
export function checkTargetAddress(address: string): string | null {
  if (address.includes('/')) {
    return `"${address}" is not a valid hostname (a target is host:port; put the scheme in "scheme" and the path in "metrics_path")`;
  }
  if (address === '') return 'target address is empty';
  let host = address;
  let port: string | undefined;
  if (address.startsWith('[')) {
    const close = address.indexOf(']');
    if (close < 0) return `"${address}" is not a valid address: missing "]" in IPv6 address`;
    host = address.slice(1, close);
    const rest = address.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) return `"${address}" is not a valid address: unexpected "${rest}" after IPv6 address`;
    if (rest !== '') port = rest.slice(1);
  } else {
    const colons = address.split(':').length - 1;
    if (colons > 1) return `"${address}" is not a valid address: an IPv6 address needs brackets, e.g. "[${address}]:9100"`;
    if (colons === 1) [host, port] = address.split(':');
  }
  if (host === '') return `"${address}" is not a valid address: missing host`;
  if (port !== undefined && !(/^\d{1,5}$/.test(port) && Number(port) <= 65535)) return `"${address}" is not a valid address: bad port "${port}"`;
  return null;
}

/**
 * Reads one `<static_config>`-shaped mapping (also the shape of file_sd entries) into a target group;
 * `targetNodes` holds each target's YAML node for error positions.
 */
export function readTargetGroup(r: YamlReader, node: Node, source: string, extraLabels: Labels = {}): { group: TargetGroup; targetNodes: (Node | null)[] } | null {
  const f = r.struct(node, 'targetgroup.Group', GROUP_FIELDS);
  if (!f) return null;
  const targetsField = f.get('targets');
  const targets = (r.strList(targetsField) ?? []).map((address): Labels => ({ __address__: address }));
  const targetNodes = targetsField && targetsField.value !== null && 'items' in targetsField.value ? (targetsField.value.items as Node[]) : [];
  const labels: Labels = {};
  for (const [name, value, keyNode, valueNode] of r.strMap(f.get('labels'))?.entries ?? []) {
    if (!isValidLabelName(name)) r.error(keyNode, `labels: "${name}" is not a valid label name`);
    else if (!isValidUtf8(value)) r.error(valueNode ?? keyNode, `labels: "${value}" is not a valid label value`);
    else labels[name] = value;
  }
  Object.assign(labels, extraLabels);
  return { group: { targets, labels, source }, targetNodes };
}

function readStaticConfigs(r: YamlReader, field: Field | undefined, checkTargets: boolean): TargetGroup[] {
  const list = r.seq(field, 'a list of static configs');
  if (!list) return [];
  const out: TargetGroup[] = [];
  list.items.forEach((item, i) => {
    if (item === null) {
      r.error(list.nodes[i] ?? field?.value, 'empty or null section in static_configs');
      return;
    }
    const before = r.errors.length;
    const read = readTargetGroup(r, item, String(i));
    if (!read) return;
    if (checkTargets) {
      read.group.targets.forEach((t, k) => {
        const problem = checkTargetAddress(t.__address__);
        if (problem) r.error(read.targetNodes[k] ?? item, problem);
      });
    }
    if (r.errors.length === before) out.push(read.group);
  });
  return out;
}

function readFileSD(r: YamlReader, field: Field | undefined, dir: string): FileSDConfig[] {
  const list = r.seq(field, 'a list of file_sd configs');
  if (!list) return [];
  const out: FileSDConfig[] = [];
  list.items.forEach((item, i) => {
    if (item === null) {
      r.error(list.nodes[i] ?? field?.value, 'empty or null section in file_sd_configs');
      return;
    }
    const f = r.struct(item, 'file.SDConfig', FILE_SD_FIELDS);
    if (!f) return;
    const filesField = f.get('files');
    const files = r.strList(filesField) ?? [];
    if (files.length === 0) r.error(filesField?.key ?? item, 'file service discovery config must contain at least one path name');
    const nodes = filesField ? r.seq(filesField)?.items ?? [] : [];
    files.forEach((name, k) => {
      if (!FILE_SD_NAME.test(name)) r.error(nodes[k] ?? item, `path name "${name}" is not valid for file discovery (it must end in .json, .yml or .yaml; "*" only in the last segment)`);
    });
    out.push({ files: files.map((p) => joinDir(dir, p)), refreshIntervalMs: r.duration(f.get('refresh_interval')) || DEFAULT_FILE_SD_REFRESH_MS });
  });
  return out;
}

function readHttpSD(r: YamlReader, field: Field | undefined, dir: string): HttpSDConfig[] {
  const list = r.seq(field, 'a list of http_sd configs');
  if (!list) return [];
  const out: HttpSDConfig[] = [];
  list.items.forEach((item, i) => {
    if (item === null) {
      r.error(list.nodes[i] ?? field?.value, 'empty or null section in http_sd_configs');
      return;
    }
    const f = r.struct(item, 'http.SDConfig', HTTP_SD_FIELDS);
    if (!f) return;
    const urlField = f.get('url');
    const url = r.str(urlField) ?? '';
    if (url === '') r.error(urlField?.value ?? urlField?.key ?? item, 'url: URL is missing');
    else {
      const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)/.exec(url);
      if (!m || (m[1].toLowerCase() !== 'http' && m[1].toLowerCase() !== 'https')) r.error(urlField?.value, `url: URL scheme must be 'http' or 'https' in "${url}"`);
      else if (m[2] === '') r.error(urlField?.value, `url: host is missing in URL "${url}"`);
    }
    const http = readHttpClientConfig(r, f, item, dir);
    out.push({ url, refreshIntervalMs: r.duration(f.get('refresh_interval')) || DEFAULT_HTTP_SD_REFRESH_MS, http });
  });
  return out;
}

/**
 * Reads the discovery fields of a scrape or alertmanager config. Static targets are checked only when
 * there are no relabel configs, because relabeling may legitimately rewrite a URL-like target.
 */
export function readServiceDiscovery(r: YamlReader, fields: Map<string, Field>, dir: string, hasRelabeling: boolean): ServiceDiscovery {
  return {
    staticConfigs: readStaticConfigs(r, fields.get('static_configs'), !hasRelabeling),
    fileSDConfigs: readFileSD(r, fields.get('file_sd_configs'), dir),
    httpSDConfigs: readHttpSD(r, fields.get('http_sd_configs'), dir),
  };
}
