// Go's template expansions, reproduced exactly: regexp.Expand (`$1`, `${1}`, `${name}`) and os.Expand (`$VAR`, `${VAR}`).

const NAME_CHAR = /[\p{L}\p{Nd}_]/u;

interface Ref {
  name: string;
  num: number;
  rest: string;
}

// Go's regexp extract(): the longest run of letters, digits and `_`, optionally in braces.
// A name that is all digits (no leading zero, below 1e8) is a group number; anything else,
// including `1x`, is a group name — so `$1x` refers to a group named "1x", not group 1.
function extractRef(str: string): Ref | null {
  let s = str;
  let brace = false;
  if (s.startsWith('{')) {
    brace = true;
    s = s.slice(1);
  }
  let i = 0;
  for (const ch of s) {
    if (!NAME_CHAR.test(ch)) break;
    i += ch.length;
  }
  if (i === 0) return null;
  const name = s.slice(0, i);
  if (brace) {
    if (s[i] !== '}') return null;
    i++;
  }
  let num = 0;
  for (let k = 0; k < name.length; k++) {
    const c = name.charCodeAt(k);
    if (c < 48 || c > 57 || num >= 1e8) {
      num = -1;
      break;
    }
    num = num * 10 + (c - 48);
  }
  if (name[0] === '0' && name.length > 1) num = -1;
  return { name, num, rest: s.slice(i) };
}

/**
 * Expands a Go regexp replacement template against a match, exactly like Go's Regexp.ExpandString:
 * `$$` is a dollar, `$n`/`${n}` a numbered group, `$name`/`${name}` a named group, unknown groups are
 * empty, and a malformed reference leaves the `$` as text.
 */
export function expandTemplate(template: string, match: RegExpExecArray, groupNames: readonly (string | undefined)[]): string {
  let out = '';
  let t = template;
  for (;;) {
    const at = t.indexOf('$');
    if (at < 0) break;
    out += t.slice(0, at);
    t = t.slice(at + 1);
    if (t.startsWith('$')) {
      out += '$';
      t = t.slice(1);
      continue;
    }
    const ref = extractRef(t);
    if (!ref) {
      out += '$';
      continue;
    }
    t = ref.rest;
    if (ref.num >= 0) {
      out += match[ref.num] ?? '';
    } else {
      const idx = groupNames.indexOf(ref.name);
      if (idx > 0) out += match[idx] ?? '';
    }
  }
  return out + t;
}

const SHELL_SPECIAL = new Set(['*', '#', '$', '@', '!', '?', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
const ALNUM_UNDERSCORE = /[A-Za-z0-9_]/;

// Go's os.getShellName: returns the variable name and how many bytes it used.
function shellName(s: string): [string, number] {
  if (s[0] === '{') {
    if (s.length > 2 && SHELL_SPECIAL.has(s[1]) && s[2] === '}') return [s[1], 3];
    for (let i = 1; i < s.length; i++) {
      if (s[i] === '}') {
        if (i === 1) return ['', 2];
        return [s.slice(1, i), i + 1];
      }
    }
    return ['', 1];
  }
  if (SHELL_SPECIAL.has(s[0])) return [s[0], 1];
  let i = 0;
  while (i < s.length && ALNUM_UNDERSCORE.test(s[i])) i++;
  return [s.slice(0, i), i];
}

/**
 * Expands `$VAR` and `${VAR}` like Go's os.Expand with Prometheus's mapping for external labels:
 * `$$` is a dollar, malformed `${` is dropped, and `mapping` supplies every other value.
 */
export function expandEnv(s: string, mapping: (name: string) => string): string {
  let out = '';
  let i = 0;
  let changed = false;
  for (let j = 0; j < s.length; j++) {
    if (s[j] === '$' && j + 1 < s.length) {
      changed = true;
      out += s.slice(i, j);
      const [name, w] = shellName(s.slice(j + 1));
      if (name === '' && w > 0) {
        // Invalid syntax: Go eats the characters.
      } else if (name === '') {
        out += '$';
      } else {
        out += mapping(name);
      }
      j += w;
      i = j + 1;
    }
  }
  if (!changed) return s;
  return out + s.slice(i);
}
