// Path helpers without Node's path module: Prometheus joins relative paths with the config file's directory.

/** True for absolute POSIX paths and Windows drive/UNC paths. */
export function isAbsolutePath(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\');
}

/** The directory part of a path (`.` when there is none), like Go's filepath.Dir for the common cases. */
export function dirname(p: string): string {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  if (i < 0) return '.';
  if (i === 0) return '/';
  return p.slice(0, i);
}

/** Joins `p` onto `dir` unless `p` is empty or absolute (Prometheus's config.JoinDir). */
export function joinDir(dir: string, p: string): string {
  if (p === '' || isAbsolutePath(p)) return p;
  const joined = dir === '.' ? p : `${dir.replace(/[\\/]+$/, '')}/${p}`;
  return cleanPath(joined);
}

/** Removes `.` segments and resolves `..` where possible, like Go's filepath.Clean. */
export function cleanPath(p: string): string {
  const abs = p.startsWith('/');
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else if (seg === '..' && abs) continue;
    else out.push(seg);
  }
  const s = out.join('/');
  return abs ? `/${s}` : s || '.';
}

/** True when a path segment uses glob syntax (`*`, `?`, `[`). */
export function hasGlobMeta(segment: string): boolean {
  return /[*?[]/.test(segment);
}

/** Compiles one path segment of a Go filepath.Match pattern into a RegExp; null for a malformed pattern. */
export function globSegmentRegExp(segment: string): RegExp | null {
  let src = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === '*') src += '[^/]*';
    else if (c === '?') src += '[^/]';
    else if (c === '[') {
      const close = segment.indexOf(']', i + 2);
      if (close < 0) return null;
      let body = segment.slice(i + 1, close);
      const negated = body.startsWith('^');
      if (negated) body = body.slice(1);
      src += `[${negated ? '^' : ''}${body.replace(/[\\\]]/g, '\\$&')}]`;
      i = close;
    } else if (c === '\\' && i + 1 < segment.length) {
      src += segment[++i].replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else {
      src += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
  }
  try {
    return new RegExp(`^${src}$`, 'u');
  } catch {
    return null;
  }
}
