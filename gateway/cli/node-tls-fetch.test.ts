// Tests for Node's tls_config fetch against a real HTTPS server on 127.0.0.1 with certificates made by openssl.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemScheduler, type TlsSettings } from '../runtime/ports.ts';
import { fetchTarget } from '../scrape/fetch-target.ts';
import { nodeFiles } from './node-files.ts';
import { nodeTlsFetch } from './node-tls-fetch.ts';

let dir: string;
let server: Server;
let url: string;
const file = (name: string) => join(dir, name);

/** A CA, a server certificate for exporter.test signed by it, and a client certificate signed by it. */
function makeCertificates(): void {
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Sightline Test CA');
  writeFileSync(file('server.ext'), 'subjectAltName=DNS:exporter.test\n');
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=exporter.test');
  ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'server.ext');
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/CN=sightline');
  ssl('x509', '-req', '-in', 'client.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'client.pem', '-days', '2');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sightline-tls-'));
  makeCertificates();
  server = createServer(
    { key: readFileSync(file('server.key')), cert: readFileSync(file('server.pem')), ca: readFileSync(file('ca.pem')), requestCert: true, rejectUnauthorized: false },
    (req, res) => {
      const socket = req.socket as import('node:tls').TLSSocket;
      if (req.url === '/mtls' && !socket.authorized) {
        res.writeHead(403).end('client certificate required');
        return;
      }
      if (req.url === '/redirect') {
        res.writeHead(302, { Location: '/metrics' }).end();
        return;
      }
      const body = `up 1\nauth_header{v="${req.headers.authorization ?? ''}"} 1\n`;
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4', 'Content-Encoding': 'gzip' }).end(gzipSync(body));
    },
  );
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((ok) => server.close(ok));
  rmSync(dir, { recursive: true, force: true });
});

const factory = () => nodeTlsFetch(nodeFiles.read, (u, init) => fetch(u, init));

async function scrape(path: string, tls: TlsSettings) {
  const fetchFn = await factory()(tls);
  return fetchTarget({
    url: url + path,
    fetchFn,
    scheduler: systemScheduler,
    timeoutMs: 5000,
    accept: 'text/plain',
    userAgent: 'Sightline/test',
    compression: true,
    bodySizeLimit: 0,
    headers: { Authorization: 'Bearer x' },
  });
}

describe('nodeTlsFetch', () => {
  it('verifies the server against ca_file under server_name, and gunzips the body', async () => {
    const r = await scrape('/metrics', { caFile: file('ca.pem'), serverName: 'exporter.test', insecureSkipVerify: false });
    expect(r).toMatchObject({ ok: true, body: 'up 1\nauth_header{v="Bearer x"} 1\n' });
  });

  it('fails verification without the CA, or under another name, with the TLS error', async () => {
    const noCa = await scrape('/metrics', { serverName: 'exporter.test', insecureSkipVerify: false });
    expect(noCa.ok).toBe(false);
    expect(!noCa.ok && noCa.error).toMatch(/^Get "https:\/\/127\.0\.0\.1:\d+\/metrics": .*(self[- ]signed|unable to (get|verify)|local issuer)/i);
    const wrongName = await scrape('/metrics', { caFile: file('ca.pem'), serverName: 'other.test', insecureSkipVerify: false });
    expect(!wrongName.ok && wrongName.error).toMatch(/other\.test/);
  });

  it('skips verification with insecure_skip_verify', async () => {
    expect((await scrape('/metrics', { insecureSkipVerify: true })).ok).toBe(true);
  });

  it('presents cert_file and key_file as the client certificate', async () => {
    const tls = { caFile: file('ca.pem'), serverName: 'exporter.test', insecureSkipVerify: false };
    expect(await scrape('/mtls', tls)).toEqual({ ok: false, error: 'server returned HTTP status 403 Forbidden' });
    expect((await scrape('/mtls', { ...tls, certFile: file('client.pem'), keyFile: file('client.key') })).ok).toBe(true);
  });

  it('follows redirects, and reports an unreadable file clearly', async () => {
    expect((await scrape('/redirect', { insecureSkipVerify: true })).ok).toBe(true);
    await expect(factory()({ caFile: file('missing.pem'), insecureSkipVerify: false })).rejects.toThrow(/^unable to read ca_file .*missing\.pem: ENOENT/);
  });
});
