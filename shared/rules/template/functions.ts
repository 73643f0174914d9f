// Function table types shared by Go's builtins and Prometheus's template functions.
import { GoStruct, goTypeName, isSampleList, type GoValue } from './values.ts';

/** Declared parameter types: Go types that matter for argument checking. `value` is reflect.Value (raw). */
export type ParamType = 'string' | 'float64' | 'int' | 'bool' | 'any' | 'value' | 'queryResult' | 'sample' | 'stringSlice';

/** Thrown by a template function to report its Go `error` return. */
export class FuncError extends Error {}

/** A template function: Go's signature (for arity and conversion errors) and its implementation. */
export interface TemplateFunc {
  params: ParamType[];
  variadic?: ParamType;
  /** `and`/`or`: arguments are evaluated lazily by the executor. */
  lazy?: 'and' | 'or';
  fn: (...args: GoValue[]) => GoValue;
}

export type FuncMap = Readonly<Record<string, TemplateFunc>>;

/** Go spelling of a parameter type for "expected …" messages. */
export function paramTypeName(t: ParamType): string {
  switch (t) {
    case 'any':
      return 'interface {}';
    case 'value':
      return 'reflect.Value';
    case 'queryResult':
      return 'template.queryResult';
    case 'sample':
      return '*template.sample';
    case 'stringSlice':
      return '[]string';
    default:
      return t;
  }
}

/** Whether a nil may be passed for this parameter type (Go's canBeNil). */
export function canBeNil(t: ParamType): boolean {
  return t === 'any' || t === 'value' || t === 'queryResult' || t === 'sample' || t === 'stringSlice';
}

/** Go assignability of a (valid) value to a parameter type. */
export function assignable(v: GoValue, t: ParamType): boolean {
  switch (t) {
    case 'any':
    case 'value':
      return true;
    case 'string':
      return typeof v === 'string';
    case 'float64':
      return typeof v === 'number';
    case 'int':
      return typeof v === 'bigint';
    case 'bool':
      return typeof v === 'boolean';
    case 'queryResult':
      return Array.isArray(v) && (v.length === 0 || isSampleList(v));
    case 'stringSlice':
      return Array.isArray(v) && v.every((x) => typeof x === 'string');
    case 'sample':
      return v instanceof GoStruct && v.typeName === 'template.sample';
  }
}

export { goTypeName };
