// A generator of YAML documents in the subset docs/settings.md accepts, written in many
// styles (block/flow, every scalar style, comments everywhere, awkward plain scalars).
// The test does not need to know the expected value: the `yaml` package decides it.

export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 0x9e3779b9;
  }
  next(): number {
    // xorshift32
    let x = this.s;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    this.s = x;
    return x / 0x100000000;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(a: readonly T[]): T {
    return a[this.int(a.length)] as T;
  }
}

/** Plain scalars valid in block and flow context (no `,[]{}`, no `: `, no ` #`). */
export const PLAIN = [
  'abc', 'hello world', 'a  b', 'x-y_z', 'CamelCase', 'dynatrace', 'otlp', 'AWS',
  '123', '-0', '+12', '007', '0x1F', '0xff', '0o17', '0o8', '1e3', '1.5E-3', '.5', '5.', '-.5e+3', '1e', 'e3', '0x', '1_000', '0b101',
  '.inf', '-.Inf', '+.INF', '.NaN', '.nan', '.NAN', '-.nan',
  '~', 'null', 'Null', 'NULL', 'nUll',
  'true', 'True', 'TRUE', 'tRue', 'false', 'False', 'FALSE',
  'yes', 'no', 'on', 'off', 'y', 'n', 'Yes', 'OFF',
  '12:30', '2001-12-14', '1:2', 'a:b', 'a#b', 'http://x.y/z?q=1#f', 'https://abc.live.dynatrace.com/api/v2/otlp',
  '${env:DT_API_TOKEN}', '<token>', '-x', '?x', ':x', 'é', '日本語', '😀', 'a\'b', 'a"b', 'a\\b', '100%', 'x!', 'a@b', 'a*b', 'a&b',
  '12345678901234567890', '0x123456789abcdef01', '-9007199254740993', '1.7976931348623157e309',
];

const WORDS = ['alpha', 'beta', 'Gamma', 'delta', 'eps', 'ServiceName', 'Enabled', 'x', 'key', 'Ünïcode', 'k'];

function sp(n: number): string {
  return ' '.repeat(Math.max(0, n));
}

export class YamlGen {
  constructor(private r: Rng) {}

  comment(): string {
    return this.r.chance(0.15) ? ` # ${this.r.pick(['c', 'note: x', '# hash', 'a, [b]'])}` : '';
  }

  /** Full-line comments and blank lines between entries. */
  filler(indent: number): string {
    let out = '';
    while (this.r.chance(0.12)) {
      out += this.r.chance(0.5) ? '\n' : `${sp(this.r.int(indent + 3))}# ${this.r.pick(['comment', 'Key: value', '- item', ''])}\n`;
    }
    return out;
  }

  singleQuoted(parentIndent: number, multiline: boolean): string {
    const parts = ['a', "it's", '#x', 'b: c', '  spaced  ', '\\n', '"q"', 'é', '', ' '];
    let s = this.r.pick(parts) + this.r.pick(parts);
    s = s.replace(/'/g, "''");
    if (multiline && this.r.chance(0.3)) {
      const blank = this.r.chance(0.4) ? '\n' : '';
      s += `\n${blank}${sp(parentIndent + 1 + this.r.int(3))}${this.r.pick(['more', "x''y", 'tail '])}`;
    }
    return `'${s}'`;
  }

  doubleQuoted(parentIndent: number, multiline: boolean): string {
    const parts = [
      'a', 'b c', '\\t', '\\n', '\\"', '\\\\', '\\/', '\\u00e9', '\\x41', '\\U0001F600', '\\N', '\\_', '\\L', '\\P', '\\e', '\\0', '\\a',
      '\\b', '\\v', '\\f', '\\r', '\\ ', "'", '#', ': ', '日', '\\ud83d\\ude00', '  ', '\\\t',
    ];
    let s = '';
    const n = this.r.int(4);
    for (let i = 0; i < n; i++) s += this.r.pick(parts);
    if (multiline && this.r.chance(0.3)) {
      const esc = this.r.chance(0.3) ? '\\' : '';
      // an escaped line break followed by an empty line is refused (readers disagree)
      const blank = !esc && this.r.chance(0.4) ? '\n' : '';
      s += `${this.r.pick(['', ' ', 'x '])}${esc}\n${blank}${sp(parentIndent + 1 + this.r.int(3))}${this.r.pick(['more', 'x\\ty', ' tail'])}`;
    }
    return `"${s}"`;
  }

  plain(flow: boolean, parentIndent: number, multiline: boolean): string {
    let s = this.r.pick(PLAIN);
    if (flow && /^[?:-]/.test(s)) s = 'v' + s;
    if (flow && /[{}[\],]/.test(s)) s = 'flow-safe';
    if (multiline && !flow && this.r.chance(0.2)) {
      const blank = this.r.chance(0.3) ? '\n' : '';
      s += `\n${blank}${sp(parentIndent + 1 + this.r.int(3))}${this.r.pick(['continued', 'more words', '123', 'x#y'])}`;
    }
    return s;
  }

  inlineScalar(flow: boolean, parentIndent: number): string {
    const k = this.r.int(10);
    if (k < 5) return this.plain(flow, parentIndent, true);
    if (k < 7) return this.singleQuoted(parentIndent, true);
    return this.doubleQuoted(parentIndent, true);
  }

  key(used: Set<string>): string {
    for (;;) {
      let k: string;
      const c = this.r.int(10);
      if (c < 5) k = this.r.pick(WORDS) + (this.r.chance(0.5) ? String(this.r.int(20)) : '');
      else if (c < 7) k = `"${this.r.pick(WORDS)} ${this.r.pick(['q', '\\t', 'é', '#'])}"`;
      else if (c < 8) k = `'${this.r.pick(WORDS)} ''s'`;
      else k = this.r.pick(['1', 'true', 'null', '0x10', '1.5', '-3', '"1"', "'true'", 'a b', '__proto__', 'constructor', 'k#1', 'a:b']);
      const norm = normKey(k);
      if (!used.has(norm)) {
        used.add(norm);
        return k;
      }
    }
  }

  blockScalar(parentIndent: number): string {
    const r = this.r;
    const style = r.pick(['|', '>']);
    const chomp = r.pick(['', '-', '+']);
    const base = Math.max(parentIndent, 0) + 1 + r.int(3);
    const lines: string[] = [];
    const n = 1 + r.int(4);
    let firstIsSpaced = false;
    for (let i = 0; i < n; i++) {
      const t = r.int(8);
      if (t === 0 && i > 0) lines.push('');
      else if (t === 1) {
        lines.push(sp(base + 1 + r.int(2)) + 'indented');
        if (i === 0) firstIsSpaced = true;
      } else lines.push(sp(base) + r.pick(['text', 'two words', '# not a comment', 'a: b', '- item', "'q'", 'tail  ']));
    }
    // An explicit indentation indicator when the first line is more indented.
    const indicator = firstIsSpaced || r.chance(0.1) ? String(base - Math.max(parentIndent, 0)) : '';
    const header = r.chance(0.5) ? `${style}${indicator}${chomp}` : `${style}${chomp}${indicator}`;
    let out = `${header}${this.comment()}\n${lines.join('\n')}\n`;
    if (r.chance(0.3)) out += '\n';
    return out;
  }

  flow(depth: number, parentIndent: number): string {
    const r = this.r;
    const isMap = r.chance(0.5);
    const n = r.int(4);
    const items: string[] = [];
    const used = new Set<string>();
    for (let i = 0; i < n; i++) {
      let v: string;
      const c = r.int(10);
      if (c < 2 && depth < 4) v = this.flow(depth + 1, parentIndent);
      else if (c < 6) v = this.plain(true, parentIndent, false);
      else if (c < 8) v = this.singleQuoted(parentIndent, false);
      else v = this.doubleQuoted(parentIndent, false);
      if (isMap) {
        const k = this.key(used);
        items.push(r.chance(0.1) ? k : `${k}:${r.chance(0.1) && k.endsWith('"') ? '' : ' '}${v}`);
      } else if (r.chance(0.1)) {
        items.push(`${this.key(used)}: ${v}`);
      } else {
        items.push(v);
      }
    }
    const sep = (): string => (r.chance(0.2) ? `,\n${sp(parentIndent + 1 + r.int(4))}` : r.pick([', ', ',', ' , ']));
    let body = '';
    items.forEach((it, i) => {
      body += (i ? sep() : '') + it;
    });
    if (items.length && r.chance(0.15)) body += ',';
    const pad = r.chance(0.3) ? ' ' : '';
    return isMap ? `{${pad}${body}${pad}}` : `[${pad}${body}${pad}]`;
  }

  /** The text after `key:` (or after `-`), ending with a newline. */
  value(depth: number, indent: number, inSeq: boolean): string {
    const r = this.r;
    const c = r.int(20);
    if (depth < 4 && c < 5) return `${this.comment()}\n${this.filler(indent)}${this.map(depth + 1, indent + 1 + r.int(3), false)}`;
    if (depth < 4 && c < 8) {
      const compact = !inSeq && r.chance(0.5);
      return `${this.comment()}\n${this.filler(indent)}${this.seq(depth + 1, compact ? indent : indent + 1 + r.int(3))}`;
    }
    if (inSeq && depth < 4 && c < 10) {
      // compact nested collection on the dash line
      return r.chance(0.6) ? ` ${this.map(depth + 1, indent + 2, true)}` : ` ${this.seq(depth + 1, indent + 2, true)}`;
    }
    if (c < 11) return ` ${this.blockScalar(indent)}`;
    if (c < 13) return ` ${this.flow(depth, indent)}${this.comment()}\n`;
    if (c < 14) return `${this.comment()}\n`;
    return ` ${this.inlineScalar(false, indent)}${this.comment()}\n`;
  }

  map(depth: number, indent: number, firstInline = false): string {
    const n = 1 + this.r.int(4);
    const used = new Set<string>();
    let out = '';
    for (let i = 0; i < n; i++) {
      if (i > 0 || !firstInline) out += this.filler(indent) + sp(indent);
      out += `${this.key(used)}${this.r.chance(0.1) ? ' ' : ''}:${this.value(depth, indent, false)}`;
    }
    return out;
  }

  seq(depth: number, indent: number, firstInline = false): string {
    const n = 1 + this.r.int(4);
    let out = '';
    for (let i = 0; i < n; i++) {
      if (i > 0 || !firstInline) out += this.filler(indent) + sp(indent);
      out += `-${this.value(depth, indent, true)}`;
    }
    return out;
  }

  document(): string {
    const r = this.r;
    let out = '';
    if (r.chance(0.2)) out += '# leading comment\n';
    if (r.chance(0.15)) out += `---${r.chance(0.3) ? ' # start' : ''}\n`;
    const c = r.int(10);
    if (c < 7) out += this.map(0, r.chance(0.1) ? 1 : 0);
    else if (c < 9) out += this.seq(0, 0);
    else out += r.chance(0.5) ? `${this.flow(0, -1)}\n` : `${this.plain(false, -1, false)}\n`;
    if (r.chance(0.1)) out += '...\n';
    if (r.chance(0.1)) out += '# trailing comment';
    if (r.chance(0.1)) out = out.replace(/\n/g, '\r\n');
    if (r.chance(0.05)) out = '\uFEFF' + out;
    return out;
  }
}

/** Key identity as the yaml package compares keys (resolved value). */
function normKey(k: string): string {
  const t = k.replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1');
  if (k.startsWith('"') || k.startsWith("'")) return 's:' + t;
  if (/^(~|null|Null|NULL)?$/.test(k)) return 'null';
  if (/^(true|True|TRUE)$/.test(k)) return 'b:true';
  if (/^[-+]?[0-9]+$/.test(k) || /^0x[0-9a-fA-F]+$/.test(k) || /^[-+]?[0-9.]+$/.test(k)) return 'n:' + Number(k);
  return 's:' + k;
}
