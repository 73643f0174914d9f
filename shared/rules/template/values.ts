// Go values as the template engine sees them: float64 is number, int is bigint, maps/structs/time are small classes.

/** A Go `map[string]T`: `elem` decides the zero value of a missing key ("" or no value). */
export class GoMap {
  constructor(
    readonly elem: 'string' | 'any',
    readonly entries: ReadonlyMap<string, GoValue>,
  ) {}

  /** Builds a map[string]string from a plain record. */
  static ofStrings(rec: Readonly<Record<string, string>>): GoMap {
    return new GoMap('string', new Map(Object.entries(rec)));
  }
}

/** A Go struct (or pointer to one when `pointer`): field access by exported name. */
export class GoStruct {
  constructor(
    readonly typeName: string,
    readonly fields: Readonly<Record<string, GoValue>>,
    readonly pointer = false,
  ) {}
}

/** A *time.Time with millisecond precision (Prometheus converts via model.Time). */
export class GoTime {
  constructor(readonly ms: number) {}
}

/** A *time.Duration in nanoseconds. */
export class GoDuration {
  constructor(readonly ns: bigint) {}
}

/** Any value a template expression can produce; `undefined` is Go's invalid (no) value. */
export type GoValue = string | number | bigint | boolean | null | undefined | GoValue[] | GoMap | GoStruct | GoTime | GoDuration;

/** The Go type name printed in error messages and `%!verb(type=value)`. */
export function goTypeName(v: GoValue): string {
  if (v === undefined || v === null) return '<nil>';
  const named = namedType(v);
  if (named !== undefined) return named;
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'number':
      return 'float64';
    case 'bigint':
      return 'int';
    case 'boolean':
      return 'bool';
  }
  if (Array.isArray(v)) return isSampleList(v) ? 'template.queryResult' : '[]interface {}';
  if (v instanceof GoMap) return v.elem === 'string' ? 'map[string]string' : 'map[string]interface {}';
  if (v instanceof GoStruct) return (v.pointer ? '*' : '') + v.typeName;
  if (v instanceof GoTime) return '*time.Time';
  return '*time.Duration';
}

/** Query results are slices of *sample; an empty slice also counts. */
export function isSampleList(v: GoValue[]): boolean {
  return (v as { sampleList?: boolean }).sampleList === true || (v.length > 0 && v.every((x) => x instanceof GoStruct && x.typeName === 'template.sample'));
}

/** Marks an array as a `queryResult` so its type survives being empty. */
export function sampleList(items: GoStruct[]): GoValue[] {
  const out: GoValue[] = [...items];
  Object.defineProperty(out, 'sampleList', { value: true, enumerable: false });
  return out;
}

/** A Prometheus template sample: `*sample{Labels map[string]string, Value float64}`. */
export function makeSample(labels: Readonly<Record<string, string>>, value: number): GoStruct {
  return new GoStruct('template.sample', { Labels: GoMap.ofStrings(labels), Value: value }, true);
}

/** Number of bytes of the UTF-8 encoding (Go's len on strings). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** UTF-8 bytes of a string (lone surrogates become U+FFFD as Go would see them). */
export function utf8Bytes(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) {
    let cp = ch.codePointAt(0) ?? 0xfffd;
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    if (cp < 0x80) out.push(cp);
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  }
  return out;
}

/** A Go method callable from templates as `.Name args…` (signature in TemplateFunc form). */
export interface GoMethod {
  params: import('./functions.ts').ParamType[];
  variadic?: import('./functions.ts').ParamType;
  fn: (...args: GoValue[]) => GoValue;
}

const METHODS = Symbol('goMethods');
const TYPE_NAME = Symbol('goTypeName');

/** Attaches Go methods (and optionally a named type) to a map, struct or slice value. */
export function withMethods<T extends GoValue[] | GoMap | GoStruct>(v: T, typeName: string, methods: Record<string, GoMethod>): T {
  Object.defineProperty(v, METHODS, { value: methods, enumerable: false });
  Object.defineProperty(v, TYPE_NAME, { value: typeName, enumerable: false });
  return v;
}

/** The methods attached by withMethods, if any. */
export function methodsOf(v: GoValue): Record<string, GoMethod> | undefined {
  return typeof v === 'object' && v !== null ? (v as { [METHODS]?: Record<string, GoMethod> })[METHODS] : undefined;
}

/** The named type attached by withMethods, if any. */
export function namedType(v: GoValue): string | undefined {
  return typeof v === 'object' && v !== null ? (v as { [TYPE_NAME]?: string })[TYPE_NAME] : undefined;
}
