// Hides secrets in a prometheus.yml before /api/v1/status/config shows it, as Prometheus prints `<secret>`.

/** Keys whose scalar value is a secret (http_config, oauth2, remote services). */
const SECRET_KEYS = new Set(['password', 'credentials', 'bearer_token', 'client_secret', 'secret_key', 'secret', 'auth_token', 'token']);

const KEY_LINE = /^(\s*(?:-\s+)?)([A-Za-z_][A-Za-z0-9_]*)(\s*:\s*)(.*)$/;

/**
 * Replaces secret values with `<secret>`: scalars under the keys above, and every item of a `secrets:` list
 * (http_headers), inline or block style. Line-based, so comments and layout survive.
 */
export function redactSecrets(yaml: string): string {
  const lines = yaml.split('\n');
  let listIndent = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const indent = line.length - line.trimStart().length;
    if (listIndent >= 0) {
      const item = /^(\s*-\s+)(.*)$/.exec(line);
      if (item && indent >= listIndent) {
        lines[i] = `${item[1]}<secret>`;
        continue;
      }
      if (line.trim() !== '' && !line.trim().startsWith('#')) listIndent = -1;
    }
    const m = KEY_LINE.exec(line);
    if (!m) continue;
    const [, prefix, key, sep, value] = m;
    const bare = value.replace(/\s+#.*$/, '').trim();
    if (key === 'secrets') {
      if (bare === '') listIndent = indent;
      else if (bare.startsWith('[')) lines[i] = `${prefix}${key}${sep}[<secret>]`;
      continue;
    }
    if (SECRET_KEYS.has(key) && bare !== '' && bare !== '|' && bare !== '>') lines[i] = `${prefix}${key}${sep}<secret>`;
  }
  return lines.join('\n');
}
