// Go regexp semantics for templates and Alertmanager matchers: MatchString and ReplaceAllString over the
// shared RE2 translator (shared/model/re2.ts), which also gives Go's error texts.
import { compileRegex } from '../../model/re2.ts';

/** A Go regexp compiled for repeated searches: a global JS RegExp plus Go's capture-group names. */
export interface GoRegex {
  regex: RegExp;
  /** groupNames[i] is the name of capture group i, or undefined. */
  groupNames: (string | undefined)[];
}

/** Compiles a Go regexp (unanchored, `.` not matching newline, as regexp.MustCompile), or returns Go's error text. */
export function compileGoRegex(pattern: string, anchored = false): GoRegex | { error: string } {
  const compiled = compileRegex(pattern, { anchored, dotAll: false });
  if (!compiled.ok) return { error: compiled.error };
  return { regex: new RegExp(compiled.value.regex.source, 'gu'), groupNames: compiled.value.groupNames };
}

/** regexp.MatchString semantics: unanchored search. */
export function goMatch(re: GoRegex, text: string): boolean {
  re.regex.lastIndex = 0;
  return re.regex.exec(text) !== null;
}

/** Regexp.Expand's template language: $1, ${1}, $name, ${name}, $$. */
function expand(template: string, m: RegExpExecArray, groupNames: readonly (string | undefined)[]): string {
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
    else {
      const index = groupNames.indexOf(name);
      out += index > 0 ? (m[index] ?? '') : '';
    }
  }
  return out;
}

/** Regexp.ReplaceAllString: empty matches right after a previous match are skipped, as in Go. */
export function goReplaceAll(goRe: GoRegex, text: string, repl: string): string {
  const re = goRe.regex;
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
    out += text.slice(last, start) + expand(repl, m, goRe.groupNames);
    last = end;
    prevEnd = end;
    if (end >= text.length && m[0].length === 0) break;
  }
  return out + text.slice(last);
}
