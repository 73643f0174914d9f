// Executes parsed Go templates with Go's evaluation rules (fields, variables, pipelines, calls) and error texts.
import { nodeString, type ArgNode, type BranchNode, type CommandNode, type FieldNode, type ListNode, type Node, type NumberNode, type PipeNode, type VariableNode } from './ast.ts';
import { isTrue } from './builtins.ts';
import { assignable, canBeNil, FuncError, paramTypeName, type FuncMap, type ParamType, type TemplateFunc } from './functions.ts';
import { formatValue } from './gofmt.ts';
import type { ParsedTemplate } from './parser.ts';
import { GoMap, GoStruct, goTypeName, methodsOf, utf8Length, type GoValue } from './values.ts';

/** A runtime failure: `message` is Go's full text ("template: name:1:5: executing …"). */
export class TemplateExecError extends Error {
  constructor(
    message: string,
    readonly pos: number,
  ) {
    super(message);
    this.name = 'TemplateExecError';
  }
}

class BreakSignal {}
class ContinueSignal {}

const MAX_DEPTH = 100_000;
/** Sentinel for "no final pipeline value" (Go's missingVal). */
const MISSING = Symbol('missing');
type Final = GoValue | typeof MISSING;

type ErrNode = ArgNode | CommandNode | Node;

class State {
  private vars: { name: string; value: GoValue }[] = [];
  private node: ErrNode | undefined;
  out = '';
  depth = 0;

  constructor(
    private readonly tmpl: ParsedTemplate,
    private readonly funcs: FuncMap,
    private readonly treeName: string,
  ) {}

  private at(n: ErrNode): void {
    this.node = n;
  }

  fail(msg: string): never {
    const name = this.tmpl.name;
    const n = this.node;
    if (!n) throw new TemplateExecError(`template: ${name}: ${msg}`, 0);
    const text = this.tmpl.text.slice(0, n.pos);
    const nl = text.lastIndexOf('\n');
    const line = text.split('\n').length;
    // Go reports the byte offset within the line.
    const col = utf8Length(nl < 0 ? text : text.slice(nl + 1));
    throw new TemplateExecError(`template: ${name}:${line}:${col}: executing ${JSON.stringify(this.treeName)} at <${contextString(n)}>: ${msg}`, n.pos);
  }

  push(name: string, value: GoValue): void {
    this.vars.push({ name, value });
  }
  mark(): number {
    return this.vars.length;
  }
  pop(mark: number): void {
    this.vars.length = mark;
  }
  private setVar(name: string, value: GoValue): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i].name === name) {
        this.vars[i].value = value;
        return;
      }
    }
    this.fail(`undefined variable: ${name}`);
  }
  private setTopVar(n: number, value: GoValue): void {
    this.vars[this.vars.length - n].value = value;
  }
  private varValue(name: string): GoValue {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i].name === name) return this.vars[i].value;
    this.fail(`undefined variable: ${name}`);
  }

  walk(dot: GoValue, node: Node): void {
    switch (node.type) {
      case 'action': {
        const val = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) this.printValue(node, val);
        return;
      }
      case 'break':
        throw new BreakSignal();
      case 'continue':
        throw new ContinueSignal();
      case 'if':
      case 'with':
        this.walkIfOrWith(dot, node);
        return;
      case 'list':
        for (const n of node.nodes) this.walk(dot, n);
        return;
      case 'range':
        this.walkRange(dot, node);
        return;
      case 'template': {
        this.at(node);
        const tree = this.tmpl.trees.get(node.name);
        if (!tree) this.fail(`template ${JSON.stringify(node.name)} not defined`);
        if (this.depth >= MAX_DEPTH) this.fail(`exceeded maximum template depth (${MAX_DEPTH})`);
        const newDot = node.pipe ? this.evalPipeline(dot, node.pipe) : undefined;
        const sub = new State(this.tmpl, this.funcs, node.name);
        sub.depth = this.depth + 1;
        sub.push('$', newDot);
        sub.walk(newDot, tree);
        this.out += sub.out;
        return;
      }
      case 'text':
        this.out += node.text;
        return;
    }
  }

  private walkIfOrWith(dot: GoValue, node: BranchNode): void {
    const mark = this.mark();
    try {
      const val = this.evalPipeline(dot, node.pipe);
      if (isTrue(val)) this.walk(node.type === 'with' ? val : dot, node.list);
      else if (node.elseList) this.walk(dot, node.elseList);
    } finally {
      this.pop(mark);
    }
  }

  private walkRange(dot: GoValue, node: BranchNode): void {
    this.at(node);
    const mark = this.mark();
    try {
      const val = this.evalPipeline(dot, node.pipe);
      const decl = node.pipe.decl;
      const one = (index: GoValue, elem: GoValue): boolean => {
        if (decl.length > 0) {
          if (node.pipe.isAssign) this.setVar(decl[0].ident[0], decl.length > 1 ? index : elem);
          else this.setTopVar(1, elem);
        }
        if (decl.length > 1) {
          if (node.pipe.isAssign) this.setVar(decl[1].ident[0], elem);
          else this.setTopVar(2, index);
        }
        const m = this.mark();
        try {
          this.walk(elem, node.list);
        } catch (e) {
          if (e instanceof ContinueSignal) return true;
          if (e instanceof BreakSignal) return false;
          throw e;
        } finally {
          this.pop(m);
        }
        return true;
      };
      let n = 0;
      if (Array.isArray(val)) {
        n = val.length;
        for (let i = 0; i < val.length; i++) if (!one(BigInt(i), val[i])) break;
      } else if (val instanceof GoMap) {
        const keys = [...val.entries.keys()].sort();
        n = keys.length;
        for (const k of keys) if (!one(k, val.entries.get(k))) break;
      } else if (typeof val === 'bigint') {
        if (decl.length > 1) this.fail(`can't use ${val} to iterate over more than one variable`);
        n = Number(val);
        for (let i = 0n; i < val; i++) if (!one(i, i)) break;
      } else if (val !== undefined && val !== null) {
        this.fail(`range can't iterate over ${formatValue(val)}`);
      }
      if (n === 0 && node.elseList) this.walk(dot, node.elseList);
    } finally {
      this.pop(mark);
    }
  }

  private evalPipeline(dot: GoValue, pipe: PipeNode): GoValue {
    this.at(pipe);
    let value: Final = MISSING;
    for (const cmd of pipe.cmds) value = this.evalCommand(dot, cmd, value);
    const v = value === MISSING ? undefined : value;
    for (const d of pipe.decl) {
      if (pipe.isAssign) this.setVar(d.ident[0], v);
      else this.push(d.ident[0], v);
    }
    return v;
  }

  private notAFunction(args: ArgNode[], final: Final): void {
    if (args.length > 1 || final !== MISSING) this.fail(`can't give argument to non-function ${nodeString(args[0])}`);
  }

  private evalCommand(dot: GoValue, cmd: CommandNode, final: Final): GoValue {
    const first = cmd.args[0];
    switch (first.type) {
      case 'field':
        return this.evalFieldChain(dot, dot, first, first.ident, cmd.args, final);
      case 'chain': {
        if (first.field.length === 0) this.fail('internal error: no fields in evalChainNode');
        if (first.node.type === 'nil') this.fail(`indirection through explicit nil in ${nodeString(first)}`);
        const pipe = this.evalArg(dot, 'value', first.node);
        this.at(first);
        return this.evalFieldChain(dot, pipe, first, first.field, cmd.args, final);
      }
      case 'identifier':
        return this.evalFunction(dot, first.name, first, cmd, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case 'variable':
        return this.evalVariable(dot, first, cmd.args, final);
    }
    this.at(first);
    this.notAFunction(cmd.args, final);
    switch (first.type) {
      case 'bool':
        return first.value;
      case 'dot':
        return dot;
      case 'nil':
        this.fail('nil is not a command');
        break;
      case 'number':
        return this.idealConstant(first);
      case 'string':
        return first.text;
    }
    this.fail(`can't evaluate command ${JSON.stringify(nodeString(first))}`);
  }

  private idealConstant(n: NumberNode): GoValue {
    this.at(n);
    if (n.float !== undefined && !n.isChar && !/^[+-]?0[xX]/.test(n.text) && /[.eEpP]/.test(n.text)) return n.float;
    if (n.int !== undefined) return n.int;
    this.fail(`${n.text} overflows int`);
  }

  private evalVariable(dot: GoValue, v: VariableNode, args: ArgNode[], final: Final): GoValue {
    this.at(v);
    const value = this.varValue(v.ident[0]);
    if (v.ident.length === 1) {
      this.notAFunction(args, final);
      return value;
    }
    return this.evalFieldChain(dot, value, v, v.ident.slice(1), args, final);
  }

  private evalFieldChain(dot: GoValue, receiver: GoValue, node: ArgNode, ident: string[], args: ArgNode[], final: Final): GoValue {
    this.at(node);
    for (let i = 0; i < ident.length - 1; i++) receiver = this.evalField(dot, node, ident[i], [], MISSING, receiver);
    return this.evalField(dot, node, ident[ident.length - 1], args, final, receiver);
  }

  private evalField(dot: GoValue, node: ArgNode, name: string, args: ArgNode[], final: Final, receiver: GoValue): GoValue {
    if (receiver === undefined || receiver === null) return undefined;
    const method = methodsOf(receiver)?.[name];
    if (method) return this.evalCall(dot, name, method, node, { type: 'command', pos: node.pos, args }, args, final);
    const hasArgs = args.length > 1 || final !== MISSING;
    if (receiver instanceof GoStruct) {
      if (Object.hasOwn(receiver.fields, name)) {
        if (hasArgs) this.fail(`${name} has arguments but cannot be invoked as function`);
        return receiver.fields[name];
      }
      if (/^[a-z_]/.test(name)) this.fail(`${name} is an unexported field of struct type ${goTypeName(receiver)}`);
    } else if (receiver instanceof GoMap) {
      if (hasArgs) this.fail(`${name} is not a method but has arguments`);
      if (receiver.entries.has(name)) return receiver.entries.get(name);
      // missingkey=zero, as Prometheus sets it.
      return receiver.elem === 'string' ? '' : undefined;
    }
    this.fail(`can't evaluate field ${name} in type ${goTypeName(receiver)}`);
  }

  private evalFunction(dot: GoValue, name: string, ident: ArgNode, cmd: CommandNode, args: ArgNode[], final: Final): GoValue {
    this.at(ident);
    const f = this.funcs[name];
    if (!f) this.fail(`${JSON.stringify(name)} is not a defined function`);
    return this.evalCall(dot, name, f, ident, cmd, args, final);
  }

  private evalCall(dot: GoValue, name: string, f: TemplateFunc, ident: ArgNode, cmd: CommandNode, args: ArgNode[], final: Final): GoValue {
    this.at(ident);
    const argNodes = args.slice(1);
    const numIn = argNodes.length + (final === MISSING ? 0 : 1);
    if (f.variadic !== undefined) {
      if (numIn < f.params.length) this.fail(`wrong number of args for ${name}: want at least ${f.params.length} got ${numIn}`);
    } else if (numIn !== f.params.length) {
      this.fail(`wrong number of args for ${name}: want ${f.params.length} got ${numIn}`);
    }
    const typeAt = (i: number): ParamType => (i < f.params.length ? f.params[i] : (f.variadic ?? 'any'));

    if (f.lazy) {
      // and/or evaluate their operands one at a time and stop early.
      let v: GoValue = undefined;
      const total = numIn;
      for (let i = 0; i < total; i++) {
        v = i < argNodes.length ? this.evalArg(dot, 'value', argNodes[i]) : (final as GoValue);
        if (isTrue(v) === (f.lazy === 'or')) return v;
      }
      return v;
    }

    const argv: GoValue[] = argNodes.map((n, i) => this.evalArg(dot, typeAt(i), n));
    if (final !== MISSING) argv.push(this.validateType(final, typeAt(numIn - 1)));
    try {
      return f.fn(...argv);
    } catch (e) {
      if (e instanceof TemplateExecError) throw e;
      this.at(cmd);
      const msg = e instanceof FuncError ? e.message : e instanceof Error ? e.message : String(e);
      this.fail(`error calling ${name}: ${msg}`);
    }
  }

  private validateType(v: GoValue, t: ParamType): GoValue {
    if (v === undefined || v === null) {
      if (t === 'value') return v;
      if (canBeNil(t)) return undefined;
      this.fail(`invalid value; expected ${paramTypeName(t)}`);
    }
    if (!assignable(v, t)) this.fail(`wrong type for value; expected ${paramTypeName(t)}; got ${goTypeName(v)}`);
    return v;
  }

  private evalArg(dot: GoValue, t: ParamType, n: ArgNode): GoValue {
    this.at(n);
    switch (n.type) {
      case 'dot':
        return this.validateType(dot, t);
      case 'nil':
        if (canBeNil(t)) return undefined;
        this.fail(`cannot assign nil to ${paramTypeName(t)}`);
        break;
      case 'field':
        return this.validateType(this.evalFieldChain(dot, dot, n, n.ident, [n], MISSING), t);
      case 'variable':
        return this.validateType(this.evalVariable(dot, n, [n], MISSING), t);
      case 'pipe':
        return this.validateType(this.evalPipeline(dot, n), t);
      case 'identifier':
        return this.validateType(this.evalFunction(dot, n.name, n, { type: 'command', pos: n.pos, args: [n] }, [n], MISSING), t);
      case 'chain':
        return this.validateType(this.evalCommand(dot, { type: 'command', pos: n.pos, args: [n] }, MISSING), t);
    }
    switch (t) {
      case 'bool':
        if (n.type === 'bool') return n.value;
        this.fail(`expected bool; found ${nodeString(n)}`);
        break;
      case 'float64':
        if (n.type === 'number' && n.float !== undefined) return n.float;
        this.fail(`expected float; found ${nodeString(n)}`);
        break;
      case 'int':
        if (n.type === 'number' && n.int !== undefined) return n.int;
        this.fail(`expected integer; found ${nodeString(n)}`);
        break;
      case 'string':
        if (n.type === 'string') return n.text;
        this.fail(`expected string; found ${nodeString(n)}`);
        break;
      case 'any':
      case 'value':
        if (n.type === 'bool') return n.value;
        if (n.type === 'number') return this.idealConstant(n);
        if (n.type === 'string') return n.text;
        break;
    }
    this.fail(`can't handle ${nodeString(n)} for arg of type ${paramTypeName(t)}`);
  }

  private printValue(node: Node, v: GoValue): void {
    this.at(node);
    if (v === undefined || v === null) {
      this.out += '<no value>';
      return;
    }
    // printableValue dereferences a pointer before fmt sees it.
    if (v instanceof GoStruct && v.pointer) v = new GoStruct(v.typeName, v.fields, false);
    this.out += formatValue(v);
  }
}

function contextString(n: ErrNode): string {
  switch (n.type) {
    case 'list':
    case 'text':
    case 'break':
    case 'continue':
      return n.type;
    case 'action':
      return `{{${nodeString(n.pipe)}}}`;
    case 'if':
    case 'with':
    case 'range':
      return `{{${n.type} ${nodeString(n.pipe)}}}`;
    case 'template':
      return `{{template ${JSON.stringify(n.name)}${n.pipe ? ' ' + nodeString(n.pipe) : ''}}}`;
    default:
      return nodeString(n);
  }
}

/** Runs the main tree of `tmpl` with `data` as dot and `$`; throws TemplateExecError on failure. */
export function executeTemplate(tmpl: ParsedTemplate, funcs: FuncMap, data: GoValue): string {
  const tree: ListNode | undefined = tmpl.trees.get(tmpl.name);
  if (!tree) throw new TemplateExecError(`template: ${tmpl.name}: "${tmpl.name}" is an incomplete or empty template`, 0);
  const s = new State(tmpl, funcs, tmpl.name);
  s.push('$', data);
  try {
    s.walk(data, tree);
  } catch (e) {
    if (e instanceof BreakSignal || e instanceof ContinueSignal) throw new TemplateExecError('template: break/continue outside range', 0);
    throw e;
  }
  return s.out;
}
