// Go RE2 regular expressions on JS RegExp: syntax translation, MatchString and ReplaceAllString semantics.

const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

const JS_SYNTAX = new Set('^$\\.*+?()[]{}|/'.split(''));

/** Translates RE2 syntax to an equivalent JS source + flags, or returns an error message. */
export function translateGoRegex(pattern: string): { source: string; flags: string } | { error: string } {
  let flags = 'u';
  let src = pattern;
  const lead = /^\(\?([imsU]+)\)/.exec(src);
  if (lead) {
    if (lead[1].includes('U')) return { error: `error parsing regexp: invalid or unsupported Perl syntax: \`(?U\`` };
    for (const f of lead[1]) if (!flags.includes(f)) flags += f;
    src = src.slice(lead[0].length);
  }
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      const n = src[i + 1];
      if (n === undefined) return { error: 'error parsing regexp: trailing backslash at end of expression: ``' };
      if (n === 'Q') {
        const end = src.indexOf('\\E', i + 2);
        const lit = end < 0 ? src.slice(i + 2) : src.slice(i + 2, end);
        out += lit.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
        i = end < 0 ? src.length : end + 1;
        continue;
      }
      if (n === 'z') {
        out += '$(?![\\s\\S])';
        i++;
        continue;
      }
      if (n === 'A') {
        out += '^';
        i++;
        continue;
      }
      if ((n === 'p' || n === 'P') && src[i + 2] !== '{') {
        out += `\\${n}{${src[i + 2]}}`;
        i += 2;
        continue;
      }
      if (/[!-/:-@[-`{-~]/.test(n) && !JS_SYNTAX.has(n) && !(inClass && n === '-')) {
        out += n === '-' ? '\\-' : n;
        i++;
        continue;
      }
      out += c + n;
      i++;
      continue;
    }
    if (inClass) {
      if (c === '[' && src[i + 1] === ':') {
        const m = /^\[:(\^?)([a-z]+):\]/.exec(src.slice(i));
        if (m && POSIX_CLASSES[m[2]] !== undefined) {
          if (m[1]) return { error: 'error parsing regexp: negated POSIX classes are not supported' };
          out += POSIX_CLASSES[m[2]];
          i += m[0].length - 1;
          continue;
        }
      }
      if (c === '[') {
        out += '\\[';
        continue;
      }
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      if (src[i + 1] === '^') out += src[++i];
      if (src[i + 1] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (c === '(' && src.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
      continue;
    }
    out += c;
  }
  return { source: out, flags };
}

/** Go's wording for the JS syntax errors users hit most. */
const JS_TO_GO_ERRORS: Record<string, string> = {
  'Unterminated group': 'missing closing )',
  "Unmatched ')'": 'unexpected )',
  'Nothing to repeat': 'missing argument to repetition operator',
  'Unterminated character class': 'missing closing ]',
  'Lone quantifier brackets': 'invalid nested repetition operator',
  '\\ at end of pattern': 'trailing backslash at end of expression',
};

/** Compiles a Go regexp, or returns Go-like error text. */
export function compileGoRegex(pattern: string, anchored = false): RegExp | { error: string } {
  const t = translateGoRegex(pattern);
  if ('error' in t) return t;
  try {
    return new RegExp(anchored ? `^(?:${t.source})$` : t.source, t.flags + 'g');
  } catch (e) {
    const raw = e instanceof Error ? e.message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '') : String(e);
    return { error: `error parsing regexp: ${JS_TO_GO_ERRORS[raw] ?? raw.toLowerCase()}: \`${pattern}\`` };
  }
}

/** regexp.MatchString semantics: unanchored search. */
export function goMatch(re: RegExp, text: string): boolean {
  re.lastIndex = 0;
  return re.exec(text) !== null;
}

/** Regexp.Expand's template language: $1, ${1}, $name, ${name}, $$. */
function expand(template: string, m: RegExpExecArray): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c !== '$' || i + 1 >= template.length) {
      out += c;
      continue;
    }
    if (template[i + 1] === '$') {
      out += '$';
      i++;
      continue;
    }
    let name: string;
    let end: number;
    if (template[i + 1] === '{') {
      const close = template.indexOf('}', i + 2);
      const inner = close < 0 ? '' : template.slice(i + 2, close);
      if (close < 0 || !/^[A-Za-z0-9_]+$/.test(inner)) {
        out += c;
        continue;
      }
      name = inner;
      end = close;
    } else {
      const mm = /^[A-Za-z0-9_]+/.exec(template.slice(i + 1));
      if (!mm) {
        out += c;
        continue;
      }
      name = mm[0];
      end = i + mm[0].length;
    }
    i = end;
    if (/^\d+$/.test(name)) out += m[Number(name)] ?? '';
    else out += m.groups?.[name] ?? '';
  }
  return out;
}

/** Regexp.ReplaceAllString: empty matches right after a previous match are skipped, as in Go. */
export function goReplaceAll(re: RegExp, text: string, repl: string): string {
  re.lastIndex = 0;
  let out = '';
  let last = 0;
  let prevEnd = -1;
  for (;;) {
    const m = re.exec(text);
    if (!m) break;
    const start = m.index;
    const end = start + m[0].length;
    if (m[0].length === 0) {
      // Advance by one code point so astral characters are not split.
      const cp = text.codePointAt(end);
      re.lastIndex = end + (cp !== undefined && cp > 0xffff ? 2 : 1);
      if (start === prevEnd) continue;
    }
    out += text.slice(last, start) + expand(repl, m);
    last = end;
    prevEnd = end;
    if (end >= text.length && m[0].length === 0) break;
  }
  return out + text.slice(last);
}
