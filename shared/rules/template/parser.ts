// Parser for Go text/template: builds the named trees (main + {{define}}s) with Go's error messages.
import type { ArgNode, BranchNode, CommandNode, ListNode, Node, NumberNode, PipeNode, TemplateNode, VariableNode } from './ast.ts';
import { lex, type Item, type ItemType } from './lexer.ts';

/** A template syntax error: `message` is Go's full text, `pos` the offset in the source. */
export class TemplateParseError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly pos: number,
  ) {
    super(message);
    this.name = 'TemplateParseError';
  }
}

/** All trees of one template source: the main one under `name`, plus every {{define}}. */
export interface ParsedTemplate {
  name: string;
  text: string;
  trees: Map<string, ListNode>;
}

type EndNode = { type: 'end'; pos: number } | { type: 'else'; pos: number; line: number };

class Parser {
  private i = 0;
  private vars: string[] = ['$'];
  private rangeDepth = 0;

  constructor(
    private readonly name: string,
    private readonly items: Item[],
    private readonly hasFunction: (name: string) => boolean,
    readonly trees: Map<string, ListNode>,
  ) {}

  private fail(msg: string, item: Item = this.items[Math.max(0, this.i - 1)]): never {
    throw new TemplateParseError(`template: ${this.name}:${item.line}: ${msg}`, item.line, item.pos);
  }

  private next(): Item {
    const it = this.items[this.i];
    if (this.i < this.items.length - 1) this.i++;
    else this.i = this.items.length; // stay on EOF/error
    if (it.type === 'error') this.fail(it.val, it);
    return it;
  }
  private backup(n = 1): void {
    this.i -= n;
  }
  private peek(): Item {
    const it = this.items[Math.min(this.i, this.items.length - 1)];
    return it;
  }
  private nextNonSpace(): Item {
    let it: Item;
    do it = this.next();
    while (it.type === 'space');
    return it;
  }
  private peekNonSpace(): Item {
    const it = this.nextNonSpace();
    this.backup();
    return it;
  }
  private expect(type: ItemType, context: string): Item {
    const it = this.nextNonSpace();
    if (it.type !== type) this.unexpected(it, context);
    return it;
  }
  private unexpected(it: Item, context: string): never {
    if (it.type === 'error') this.fail(it.val, it);
    this.fail(`unexpected ${describe(it)} in ${context}`, it);
  }

  parseAll(): ListNode {
    const root: ListNode = { type: 'list', pos: 0, nodes: [] };
    while (this.peek().type !== 'eof') {
      if (this.peek().type === 'error') this.next();
      if (this.peek().type === 'leftDelim') {
        const delim = this.next();
        if (this.nextNonSpace().type === 'define') {
          this.parseDefinition(delim);
          continue;
        }
        this.i = this.items.indexOf(delim);
      }
      const n = this.textOrAction();
      if (n.type === 'end' || n.type === 'else') this.fail(`unexpected {{${n.type}}}`);
      root.nodes.push(n);
    }
    return root;
  }

  private parseDefinition(delim: Item): void {
    const nameTok = this.nextNonSpace();
    const name = this.templateName(nameTok, 'define clause');
    this.expect('rightDelim', 'define clause');
    const saved = this.vars;
    this.vars = ['$'];
    const [list, end] = this.itemList();
    if (end.type !== 'end') this.fail(`unexpected {{${end.type}}} in define clause`);
    this.vars = saved;
    this.addTree(name, { ...list, pos: delim.pos });
  }

  private addTree(name: string, list: ListNode): void {
    const existing = this.trees.get(name);
    // Go lets a non-empty definition replace an empty one, and rejects two non-empty ones.
    if (existing && !isEmptyTree(existing) && !isEmptyTree(list)) this.fail(`template: multiple definition of template "${name}"`);
    if (!existing || !isEmptyTree(list)) this.trees.set(name, list);
  }

  private itemList(): [ListNode, EndNode] {
    const list: ListNode = { type: 'list', pos: this.peekNonSpace().pos, nodes: [] };
    while (this.peekNonSpace().type !== 'eof') {
      const n = this.textOrAction();
      if (n.type === 'end' || n.type === 'else') return [list, n];
      list.nodes.push(n);
    }
    this.fail('unexpected EOF');
  }

  private textOrAction(): Node | EndNode {
    const it = this.nextNonSpace();
    switch (it.type) {
      case 'text':
        return { type: 'text', pos: it.pos, text: it.val };
      case 'leftDelim':
        return this.action();
      default:
        this.unexpected(it, 'input');
    }
  }

  private action(): Node | EndNode {
    const it = this.nextNonSpace();
    switch (it.type) {
      case 'block':
        return this.blockControl(it);
      case 'break':
      case 'continue': {
        if (this.rangeDepth === 0) this.fail(`{{${it.type}}} outside {{range}}`);
        const t = this.nextNonSpace();
        if (t.type !== 'rightDelim') this.unexpected(t, `{{${it.type}}}`);
        return { type: it.type, pos: it.pos, line: it.line };
      }
      case 'else':
        // "{{else if" / "{{else with" chain: leave the keyword for the caller.
        if (this.peekNonSpace().type === 'if' || this.peekNonSpace().type === 'with') return { type: 'else', pos: it.pos, line: it.line };
        this.expect('rightDelim', 'else');
        return { type: 'else', pos: it.pos, line: it.line };
      case 'end':
        this.expect('rightDelim', 'end');
        return { type: 'end', pos: it.pos };
      case 'if':
      case 'range':
      case 'with':
        return this.control(it);
      case 'template':
        return this.templateControl(it);
    }
    this.backup();
    const pipe = this.pipeline('command', 'rightDelim');
    return { type: 'action', pos: it.pos, line: it.line, pipe };
  }

  private control(kw: Item): BranchNode {
    const context = kw.type as 'if' | 'range' | 'with';
    const mark = this.vars.length;
    const pipe = this.pipeline(context, 'rightDelim');
    if (context === 'range') this.rangeDepth++;
    let [list, end] = this.itemList();
    if (context === 'range') this.rangeDepth--;
    let elseList: ListNode | undefined;
    if (end.type === 'else') {
      const nextKw = this.peekNonSpace();
      if (context !== 'range' && nextKw.type === context) {
        // {{else if …}} is {{else}}{{if …}}…{{end}}{{end}} sharing one {{end}}.
        const kw2 = this.nextNonSpace();
        elseList = { type: 'list', pos: end.pos, nodes: [this.control(kw2)] };
      } else {
        [elseList, end] = this.itemList();
        if (end.type !== 'end') this.fail('expected end; found {{else}}');
      }
    }
    this.vars.length = mark;
    return { type: context, pos: kw.pos, line: kw.line, pipe, list, elseList };
  }

  private templateName(it: Item, context: string): string {
    if (it.type === 'string' || it.type === 'rawString') return unquote(it, (m) => this.fail(m, it));
    this.unexpected(it, context);
  }

  private templateControl(kw: Item): TemplateNode {
    const name = this.templateName(this.nextNonSpace(), 'template clause');
    let pipe: PipeNode | undefined;
    if (this.nextNonSpace().type !== 'rightDelim') {
      this.backup();
      pipe = this.pipeline('template clause', 'rightDelim');
    }
    return { type: 'template', pos: kw.pos, line: kw.line, name, pipe };
  }

  private blockControl(kw: Item): TemplateNode {
    const name = this.templateName(this.nextNonSpace(), 'block clause');
    const pipe = this.pipeline('block clause', 'rightDelim');
    const saved = this.vars;
    this.vars = ['$'];
    const [list, end] = this.itemList();
    if (end.type !== 'end') this.fail('unexpected {{else}} in block clause');
    this.vars = saved;
    this.addTree(name, list);
    return { type: 'template', pos: kw.pos, line: kw.line, name, pipe };
  }

  private pipeline(context: string, end: 'rightDelim' | 'rightParen'): PipeNode {
    const start = this.peekNonSpace();
    const pipe: PipeNode = { type: 'pipe', pos: start.pos, line: start.line, isAssign: false, decl: [], cmds: [] };
    decls: for (;;) {
      const v = this.peekNonSpace();
      if (v.type !== 'variable') break;
      const save = this.i;
      this.nextNonSpace();
      const n = this.peekNonSpace();
      if (n.type === 'assign' || n.type === 'declare') {
        pipe.isAssign = n.type === 'assign';
        this.nextNonSpace();
        pipe.decl.push(this.variable(v, false));
        this.vars.push(v.val);
        break;
      }
      if (n.type === 'char' && n.val === ',') {
        this.nextNonSpace();
        pipe.decl.push(this.variable(v, false));
        this.vars.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const t = this.peekNonSpace().type;
          if (t === 'variable' || t === 'rightDelim' || t === 'rightParen') continue decls;
          this.fail('range can only initialize variables');
        }
        this.fail(`too many declarations in ${context}`);
      }
      // Not a declaration: the variable starts the first command.
      this.i = save;
      break;
    }
    for (;;) {
      const t = this.nextNonSpace();
      if (t.type === end) {
        this.checkPipeline(pipe, context);
        return pipe;
      }
      switch (t.type) {
        case 'bool':
        case 'charConstant':
        case 'dot':
        case 'field':
        case 'identifier':
        case 'number':
        case 'nil':
        case 'rawString':
        case 'string':
        case 'variable':
        case 'leftParen':
          this.backup();
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(t, context);
      }
    }
  }

  private checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.fail(`missing value for ${context}`);
    for (let i = 1; i < pipe.cmds.length; i++) {
      const first = pipe.cmds[i].args[0];
      if (first.type === 'bool' || first.type === 'dot' || first.type === 'nil' || first.type === 'number' || first.type === 'string') {
        this.fail(`non executable command in pipeline stage ${i + 1}`);
      }
    }
  }

  private command(): CommandNode {
    const cmd: CommandNode = { type: 'command', pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      this.peekNonSpace();
      const op = this.operand();
      if (op) cmd.args.push(op);
      const t = this.next();
      if (t.type === 'space') continue;
      if (t.type === 'rightDelim' || t.type === 'rightParen') this.backup();
      else if (t.type !== 'pipe') this.unexpected(t, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.fail('empty command');
    return cmd;
  }

  private operand(): ArgNode | undefined {
    let node = this.term();
    if (!node) return undefined;
    if (this.peek().type === 'field') {
      const fields: string[] = [];
      const pos = this.peek().pos;
      while (this.peek().type === 'field') fields.push(this.next().val.slice(1));
      switch (node.type) {
        case 'field':
          node = { type: 'field', pos: node.pos, ident: [...node.ident, ...fields] };
          break;
        case 'variable':
          node = { type: 'variable', pos: node.pos, ident: [...node.ident, ...fields] };
          break;
        case 'bool':
        case 'string':
        case 'number':
        case 'nil':
        case 'dot':
          this.fail(`unexpected . after term ${JSON.stringify(termText(node))}`);
          break;
        default:
          node = { type: 'chain', pos, node, field: fields };
      }
    }
    return node;
  }

  private term(): ArgNode | undefined {
    const t = this.nextNonSpace();
    switch (t.type) {
      case 'identifier':
        if (!this.hasFunction(t.val)) this.fail(`function ${JSON.stringify(t.val)} not defined`, t);
        return { type: 'identifier', pos: t.pos, name: t.val };
      case 'dot':
        return { type: 'dot', pos: t.pos };
      case 'nil':
        return { type: 'nil', pos: t.pos };
      case 'variable':
        return this.variable(t, true);
      case 'field':
        return { type: 'field', pos: t.pos, ident: [t.val.slice(1)] };
      case 'bool':
        return { type: 'bool', pos: t.pos, value: t.val === 'true' };
      case 'charConstant':
      case 'number':
        return this.number(t);
      case 'leftParen':
        return this.pipeline('parenthesized pipeline', 'rightParen');
      case 'string':
      case 'rawString':
        return { type: 'string', pos: t.pos, quoted: t.val, text: unquote(t, (m) => this.fail(m, t)) };
    }
    this.backup();
    return undefined;
  }

  private variable(t: Item, use: boolean): VariableNode {
    const ident = t.val.split('.');
    if (use && !this.vars.includes(ident[0])) this.fail(`undefined variable ${JSON.stringify(ident[0])}`, t);
    return { type: 'variable', pos: t.pos, ident };
  }

  private number(t: Item): NumberNode {
    const text = t.val;
    if (t.type === 'charConstant') {
      const s = unquote({ ...t, val: '"' + text.slice(1, -1).replace(/"/g, '\\"') + '"' }, (m) => this.fail(m, t));
      const cps = [...s];
      if (cps.length !== 1) this.fail(`malformed character constant: ${text}`, t);
      const cp = cps[0].codePointAt(0) ?? 0;
      return { type: 'number', pos: t.pos, text, int: BigInt(cp), float: cp, isChar: true };
    }
    if (text.endsWith('i')) this.fail(`complex constants are not supported: ${text}`, t);
    const n: NumberNode = { type: 'number', pos: t.pos, text, isChar: false };
    const int = parseGoInt(text);
    if (int !== undefined) {
      n.int = int;
      n.float = Number(int);
      return n;
    }
    const f = parseGoFloat(text);
    if (f === undefined) this.fail(`illegal number syntax: ${JSON.stringify(text)}`, t);
    if (!/[.eEpP]/.test(text)) this.fail(`integer overflow: ${JSON.stringify(text)}`, t);
    n.float = f;
    if (Number.isInteger(f) && Math.abs(f) < 2 ** 63) n.int = BigInt(f);
    return n;
  }
}

function termText(n: ArgNode): string {
  switch (n.type) {
    case 'bool':
      return String(n.value);
    case 'string':
      return n.quoted;
    case 'number':
      return n.text;
    case 'nil':
      return 'nil';
    default:
      return '.';
  }
}

function isEmptyTree(l: ListNode): boolean {
  return l.nodes.every((n) => n.type === 'text' && n.text.trim() === '');
}

function describe(it: Item): string {
  switch (it.type) {
    case 'eof':
      return 'EOF';
    case 'rightDelim':
      return '"}}"';
    case 'leftDelim':
      return '"{{"';
    case 'space':
      return 'space';
    case 'text':
      return JSON.stringify(it.val.length > 10 ? it.val.slice(0, 10) + '...' : it.val);
    default:
      if (['block', 'break', 'continue', 'define', 'else', 'end', 'if', 'range', 'nil', 'template', 'with'].includes(it.type)) return `<${it.val}>`;
      return JSON.stringify(it.val);
  }
}

/** strconv.Unquote for "…", `…` literals. */
function unquote(it: Item, fail: (msg: string) => never): string {
  const q = it.val;
  if (q[0] === '`') return q.slice(1, -1).replace(/\r/g, '');
  let out = '';
  for (let i = 1; i < q.length - 1; i++) {
    const c = q[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = q[++i];
    const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', "'": "'", '"': '"' };
    if (e in simple) {
      out += simple[e];
      continue;
    }
    const hexLen = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    if (hexLen > 0) {
      const h = q.slice(i + 1, i + 1 + hexLen);
      if (!/^[0-9a-fA-F]+$/.test(h) || h.length !== hexLen) fail('invalid syntax');
      const v = parseInt(h, 16);
      if (hexLen > 2 && (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))) fail('invalid syntax');
      out += String.fromCodePoint(v);
      i += hexLen;
      continue;
    }
    if (e >= '0' && e <= '7') {
      const o = q.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(o)) fail('invalid syntax');
      out += String.fromCharCode(parseInt(o, 8));
      i += 2;
      continue;
    }
    fail('invalid syntax');
  }
  return out;
}

/** strconv.ParseInt(text, 0, 64) with Go's prefixes and underscores. */
function parseGoInt(text: string): bigint | undefined {
  let s = text;
  let neg = false;
  if (s[0] === '+' || s[0] === '-') {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  let body: string;
  let base: 'x' | 'o' | 'b' | 'd';
  if (/^0[xX]/.test(s)) [base, body] = ['x', s.slice(2)];
  else if (/^0[oO]/.test(s)) [base, body] = ['o', s.slice(2)];
  else if (/^0[bB]/.test(s)) [base, body] = ['b', s.slice(2)];
  else if (/^0[0-7_]+$/.test(s)) [base, body] = ['o', s.slice(1)];
  else [base, body] = ['d', s];
  if (body.includes('_')) {
    if (base === 'd' && s[0] !== '0' && !/^\d+(_\d+)*$/.test(body)) return undefined;
    if (/__|_$/.test(body)) return undefined;
    body = body.replace(/^_/, '').replace(/_/g, '');
  }
  const digits = { x: /^[0-9a-fA-F]+$/, o: /^[0-7]+$/, b: /^[01]+$/, d: /^[0-9]+$/ }[base];
  if (!digits.test(body)) return undefined;
  const v = BigInt(base === 'd' ? body : `0${base}${body}`);
  const r = neg ? -v : v;
  if (r > 2n ** 63n - 1n || r < -(2n ** 63n)) return undefined;
  return r;
}

/** strconv.ParseFloat for decimal forms (hex floats are rare in templates and rejected). */
function parseGoFloat(text: string): number | undefined {
  const s = text.replace(/_/g, '');
  if (!/^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?)$/.test(s)) return undefined;
  return Number(s);
}

/** Parses a template source into its trees; `hasFunction` decides which identifiers are defined. */
export function parseTemplate(name: string, text: string, hasFunction: (name: string) => boolean): ParsedTemplate {
  const trees = new Map<string, ListNode>();
  const p = new Parser(name, lex(text), hasFunction, trees);
  const root = p.parseAll();
  if (!trees.has(name) || !isEmptyTree(root)) trees.set(name, root);
  return { name, text, trees };
}
