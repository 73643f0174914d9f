// Node's TlsFetchFactory: a Web-standard fetch over node:https honouring tls_config (CA, client certificate, server name, verification).
import { Agent, request, type AgentOptions } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { FetchFn, FileReader, TlsFetchFactory, TlsSettings } from '../runtime/ports.ts';

const TLS_VERSIONS: Record<string, AgentOptions['minVersion']> = { TLS10: 'TLSv1', TLS11: 'TLSv1.1', TLS12: 'TLSv1.2', TLS13: 'TLSv1.3' };
const MAX_REDIRECTS = 10;
/** Agents kept for distinct TLS settings (one per job in practice). */
const MAX_AGENTS = 64;

/**
 * Builds fetches for tls_configs. Certificate files are read at every call, so a renewed certificate is used from
 * the next scrape on; an agent (connection pool) is kept per distinct set of settings and file contents.
 */
export function nodeTlsFetch(readFile: FileReader, plainFetch: FetchFn): TlsFetchFactory {
  const agents = new Map<string, Agent>();
  return async (tls) => {
    const options = await agentOptions(tls, readFile);
    const key = JSON.stringify(options);
    let agent = agents.get(key);
    if (agent === undefined) {
      if (agents.size >= MAX_AGENTS) {
        const [oldKey, old] = agents.entries().next().value as [string, Agent];
        old.destroy();
        agents.delete(oldKey);
      }
      agent = new Agent({ ...options, keepAlive: true });
      agents.set(key, agent);
    }
    const a = agent;
    return (url, init) => (url.startsWith('https:') ? httpsFetch(url, init, a, 0) : plainFetch(url, init));
  };
}

async function agentOptions(tls: TlsSettings, readFile: FileReader): Promise<AgentOptions> {
  const file = async (field: string, path: string | undefined, inline: string | undefined): Promise<string | undefined> => {
    if (inline !== undefined) return inline;
    if (path === undefined) return undefined;
    try {
      return await readFile(path);
    } catch (e) {
      throw new Error(`unable to read ${field} ${path}: ${(e as Error).message}`);
    }
  };
  const options: AgentOptions = { rejectUnauthorized: !tls.insecureSkipVerify };
  const ca = await file('ca_file', tls.caFile, tls.ca);
  const cert = await file('cert_file', tls.certFile, tls.cert);
  const key = await file('key_file', tls.keyFile, tls.key);
  if (ca !== undefined) options.ca = ca;
  if (cert !== undefined) options.cert = cert;
  if (key !== undefined) options.key = key;
  if (tls.serverName !== undefined) options.servername = tls.serverName;
  if (tls.minVersion !== undefined) options.minVersion = TLS_VERSIONS[tls.minVersion];
  if (tls.maxVersion !== undefined) options.maxVersion = TLS_VERSIONS[tls.maxVersion];
  return options;
}

/** One GET over https with the agent; follows redirects when asked, gunzips, and answers a Web Response. */
function httpsFetch(url: string, init: RequestInit, agent: Agent, redirects: number): Promise<Response> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((v, k) => (headers[k] = v));
    const signal = init.signal ?? undefined;
    const req = request(url, { method: init.method ?? 'GET', headers, agent, signal }, (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (status >= 300 && status < 400 && location !== undefined && init.redirect !== 'manual') {
        res.resume();
        if (redirects >= MAX_REDIRECTS) return reject(new TypeError('fetch failed', { cause: new Error(`stopped after ${MAX_REDIRECTS} redirects`) }));
        const next = new URL(location, url).toString();
        resolve(httpsFetch(next, init, agent, redirects + 1));
        return;
      }
      const out = new Headers();
      for (const [k, v] of Object.entries(res.headers)) {
        if (v === undefined) continue;
        for (const one of Array.isArray(v) ? v : [v]) out.append(k, one);
      }
      let body: Readable = res;
      if ((res.headers['content-encoding'] ?? '').toLowerCase() === 'gzip') {
        body = res.pipe(createGunzip());
        res.on('error', (e) => body.destroy(e));
        out.delete('content-encoding');
        out.delete('content-length');
      }
      const stream = Readable.toWeb(body) as unknown as ReadableStream<Uint8Array>;
      resolve(new Response(status === 204 || status === 304 ? null : stream, { status, statusText: res.statusMessage ?? '', headers: out }));
    });
    req.on('error', (e) => reject(signal?.aborted ? e : new TypeError('fetch failed', { cause: e })));
    req.end();
  });
}
