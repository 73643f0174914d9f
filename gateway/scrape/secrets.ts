// Request credentials of an http_config: static headers, secrets kept in files (read per request), custom TLS.
import type { HttpClientConfig, TLSConfig } from '../../shared/config/types.ts';
import type { FileReader } from '../runtime/ports.ts';

/** The parts of an http_config that come from files; everything else is a static header. */
export interface SecretFiles {
  basicAuth?: { username: string; usernameFile?: string; password?: string; passwordFile?: string };
  authorization?: { type: string; credentialsFile: string };
  headers?: Array<{ name: string; values: string[]; files: string[] }>;
}

/** Picks the file-based credentials of an http_config, or undefined when it has none. */
export function secretFilesOf(http: HttpClientConfig): SecretFiles | undefined {
  const out: SecretFiles = {};
  const basic = http.basicAuth;
  if (basic && (basic.usernameFile !== undefined || basic.passwordFile !== undefined)) out.basicAuth = { ...basic };
  const auth = http.authorization;
  if (auth?.credentialsFile !== undefined && auth.credentials === undefined) out.authorization = { type: auth.type, credentialsFile: auth.credentialsFile };
  for (const [name, h] of Object.entries(http.httpHeaders)) {
    if (h.files.length > 0) (out.headers ??= []).push({ name, values: [...h.values, ...h.secrets], files: h.files });
  }
  return out.basicAuth || out.authorization || out.headers ? out : undefined;
}

/** Static request headers of an http_config: authorization, basic auth and http_headers without files. */
export function staticHeadersOf(http: HttpClientConfig): Record<string, string> | undefined {
  const h: Record<string, string> = {};
  const auth = http.authorization;
  if (auth?.credentials !== undefined) h.Authorization = `${auth.type} ${auth.credentials}`;
  const basic = http.basicAuth;
  if (basic !== undefined && basic.usernameFile === undefined && basic.passwordFile === undefined) {
    h.Authorization = `Basic ${base64Utf8(`${basic.username}:${basic.password ?? ''}`)}`;
  }
  for (const [name, header] of Object.entries(http.httpHeaders)) {
    const values = [...header.values, ...header.secrets];
    if (values.length > 0 && header.files.length === 0) h[name] = values.join(', ');
  }
  return Object.keys(h).length > 0 ? h : undefined;
}

/** Reads the files (fresh at every call, so rotated secrets apply at the next scrape) into request headers. */
export async function resolveSecretHeaders(
  s: SecretFiles,
  readFile: FileReader | undefined,
  runtime = 'this runtime',
): Promise<{ ok: true; headers: Record<string, string> } | { ok: false; error: string }> {
  const read = async (field: string, path: string): Promise<string> => {
    if (readFile === undefined) throw new Error(`${field} ${path}: reading files is not supported on ${runtime}; put the secret in the config instead`);
    try {
      // Prometheus trims whitespace around file secrets (a trailing newline is the usual case).
      return (await readFile(path)).trim();
    } catch (e) {
      throw new Error(`unable to read ${field} ${path}: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  try {
    const headers: Record<string, string> = {};
    if (s.basicAuth) {
      const b = s.basicAuth;
      const user = b.usernameFile !== undefined ? await read('username_file', b.usernameFile) : b.username;
      const pass = b.passwordFile !== undefined ? await read('password_file', b.passwordFile) : (b.password ?? '');
      headers.Authorization = `Basic ${base64Utf8(`${user}:${pass}`)}`;
    }
    if (s.authorization) headers.Authorization = `${s.authorization.type} ${await read('credentials_file', s.authorization.credentialsFile)}`;
    for (const h of s.headers ?? []) {
      const values = [...h.values];
      for (const f of h.files) values.push(await read(`http_headers ${h.name} file`, f));
      headers[h.name] = values.join(', ');
    }
    return { ok: true, headers };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

/** Base64 of the UTF-8 bytes (btoa alone only takes Latin-1). */
export function base64Utf8(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** The tls_config when it asks for anything beyond the runtime's default TLS, else undefined. */
export function customTls(tls: TLSConfig): TLSConfig | undefined {
  const { insecureSkipVerify, ...rest } = tls;
  return insecureSkipVerify || Object.values(rest).some((v) => v !== undefined) ? tls : undefined;
}
