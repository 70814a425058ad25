// The rules of docs/dump.md that are about the command line, through the real bin
// (needs `npm run build`): exit codes and failure documents of every input that cannot
// be read at all, forced formats and signals, every --format value, the attribute value
// rules, the diagnostic offsets, the words of the messages, and a closed pipe.
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { BIN, cli } from '../helpers/cli';
import { DUMP_FORMATS } from '../../lib/dump';
import { dumpNative } from '../../lib/dump/native';
import { FIXTURES, gen, pbRoot } from './helpers';

const F = (n: string) => path.join(FIXTURES, n);
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'np-dump-contract-'));
});
const write = (name: string, bytes: Uint8Array | string) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, bytes);
  return p;
};
const json = (stdout: string) => JSON.parse(stdout) as any;

describe('the format names have one owner', () => {
  it('the TypeScript list equals the native table', () => {
    expect([...dumpNative().dumpFormats]).toEqual([...DUMP_FORMATS]);
  });
});

describe('an input that cannot be read at all: exit 1 and the error document', () => {
  const header = () => gen.header();
  const cases: Array<[string, () => string, string[]]> = [
    ['bad-magic', () => write('bad-magic.nptb', Buffer.from('NOT A DUMP AT ALL, just some text\n')), ['--format', 'nptb']],
    ['bad-magic', () => {
      const h = header();
      h.writeUInt32LE(40, 12); // a header size below 64
      return write('small-header.nptb', h);
    }, []],
    ['unsupported-version', () => write('v2.nptb', gen.writeDump([], { major: 2 })), []],
    ['unknown-format', () => write('garbage.bin', Buffer.from([0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8])), []],
    ['not-otlp', () => write('not-otlp.pb', Buffer.from([0x0a, 0xff, 0xff, 0xff])), []],
    ['empty', () => write('empty.bin', Buffer.alloc(0)), []],
    ['gzip-failed', () => write('broken.gz', zlib.gzipSync(fs.readFileSync(F('lambda.nptb'))).subarray(0, 300)), []],
  ];
  for (const [code, make, flags] of cases) {
    it(`${code}${flags.length ? ' ' + flags.join(' ') : ''}${make.toString().includes('40, 12') ? ' (header size below 64)' : ''}`, () => {
      const file = make();
      const r = cli(['dump', 'summary', file, ...flags, '--json']);
      expect(r.code).toBe(1);
      const doc = json(r.stdout);
      expect(doc.ok).toBe(false);
      expect(doc.error).toMatchObject({ code, message: expect.stringContaining(file) });
      expect(r.stderr).not.toMatch(/\n\s+at /);
      // for people: one line naming the code, same exit code
      const h = cli(['dump', 'summary', file, ...flags]);
      expect(h.code).toBe(1);
      expect(h.stderr).toContain(`error ${code}:`);
    });
  }

  it('a format or signal under which nothing decodes is not any known format (exit 1), saying what was forced and what the bytes look like', () => {
    for (const [file, flags, said] of [
      [F('lambda.nptb'), ['--format', 'otlp-jsonl'], /read as otlp-jsonl.*decodes as nothing.*look like nptb/],
      [F('lambda.nptb'), ['--format', 'collector-proto'], /read as collector-proto.*decodes as nothing.*look like nptb/],
      [F('lambda.collector.pb'), ['--signal', 'logs'], /with signal logs.*decodes as nothing.*look like collector-proto/],
      [F('lambda.jsonl'), ['--format', 'otlp-proto', '--signal', 'traces'], /read as otlp-proto with signal traces.*decodes as nothing.*look like otlp-jsonl/],
    ] as Array<[string, string[], RegExp]>) {
      const r = cli(['dump', 'summary', file, ...flags, '--json']);
      expect(r.code, flags.join(' ')).toBe(1);
      const doc = json(r.stdout);
      expect(doc.error.code).toBe('unknown-format');
      expect(doc.error.message).toMatch(said);
      expect(doc).not.toHaveProperty('diagnostics');
    }
    // a real dump of the named format with every frame damaged is damage, not a wrong format
    const torn = write('torn.collector.pb', fs.readFileSync(F('lambda.collector.pb')).subarray(0, 40));
    const t = cli(['dump', 'summary', torn, '--format', 'collector-proto', '--signal', 'traces', '--json']);
    expect(t.code).toBe(0);
    expect(json(t.stdout).diagnostics.map((d: any) => d.code)).toEqual(['truncated']);
  });
});

describe('signals and formats', () => {
  it('a raw request that qualifies as no signal: exit 2 asking for --signal', () => {
    const f = write('empty-request.pb', Buffer.from([0x0a, 0x00]));
    const r = cli(['dump', 'summary', f, '--json']);
    expect(r.code).toBe(2);
    expect(json(r.stdout).error).toMatchObject({ code: 'signal-unknown', message: expect.stringMatching(/--signal traces\|metrics\|logs/) });
  });

  it('every --format value reads its input', () => {
    const inputs: Record<string, string> = {
      auto: F('lambda.nptb'),
      nptb: F('lambda.nptb'),
      'otlp-jsonl': F('lambda.jsonl'),
      'collector-proto': F('lambda.collector.pb'),
      'otlp-proto': F('lambda.traces.pb'),
    };
    expect(Object.keys(inputs)).toEqual([...DUMP_FORMATS]);
    for (const [format, file] of Object.entries(inputs)) {
      const r = cli(['dump', 'summary', file, '--format', format, '--json']);
      expect(r.code, format).toBe(0);
      const doc = json(r.stdout);
      expect(doc.format).toBe(format === 'auto' ? 'nptb' : format);
      expect(doc.spans).toBe(format === 'otlp-proto' ? 9 : 15);
    }
  });
});

describe('attribute values as JSON (dump spans --json)', () => {
  it('int64 a number up to 2^53 − 1 and a string beyond, either sign; doubles NaN / ±Infinity as strings', () => {
    const T = pbRoot.collector.trace.v1.ExportTraceServiceRequest;
    const Long = require('long');
    const int = (s: string) => ({ intValue: Long.fromString(s) });
    const bytes = T.encode(T.fromObject({
      resourceSpans: [{ scopeSpans: [{ spans: [{
        traceId: Buffer.alloc(16, 7), spanId: Buffer.alloc(8, 8), name: 'edges', kind: 1,
        startTimeUnixNano: Long.fromString('1795479225000000000', true), endTimeUnixNano: Long.fromString('1795479225000000001', true),
        attributes: [
          { key: 'max', value: int('9007199254740991') },
          { key: 'over', value: int('9007199254740992') },
          { key: 'min', value: int('-9007199254740991') },
          { key: 'under', value: int('-9007199254740992') },
          { key: 'inf', value: { doubleValue: Infinity } },
          { key: 'ninf', value: { doubleValue: -Infinity } },
          { key: 'nan', value: { doubleValue: NaN } },
          { key: 'half', value: { doubleValue: 0.5 } },
        ],
      }] }] }],
    })).finish();
    const f = write('edges.pb', bytes);
    const r = cli(['dump', 'spans', f, '--signal', 'traces', '--json']);
    expect(r.code).toBe(0);
    const [s] = json(r.stdout);
    expect(s.attributes).toEqual({ max: 9007199254740991, over: '9007199254740992', min: -9007199254740991, under: '-9007199254740992', inf: 'Infinity', ninf: '-Infinity', nan: 'NaN', half: 0.5 });
    // and the text itself: the boundary value is a bare number, the next one quoted
    expect(r.stdout).toContain('"max":9007199254740991');
    expect(r.stdout).toContain('"over":"9007199254740992"');
    expect(r.stdout).toContain('"inf":"Infinity"');
  });
});

describe('diagnostic offsets: the first byte of the frame each concerns', () => {
  it('corrupt-header, corrupt-payload, malformed-payload, sequence-gap, unknown-kind, dropped, truncated', () => {
    const tr = (seed: number) => gen.lambdaTraces({ invocations: 1, seed }).proto;
    const parts: Buffer[] = [gen.header()];
    const at: Record<string, number> = {};
    const add = (name: string, b: Buffer) => {
      at[name] = parts.reduce((n, p) => n + p.length, 0);
      parts.push(b);
    };
    add('good0', gen.frame('traces', tr(1), 0));
    const badPayload = gen.frame('traces', tr(2), 1);
    badPayload[40] ^= 0xff; // payload byte: CRC wrong
    add('corrupt-payload', badPayload);
    add('malformed-payload', gen.frame('traces', Buffer.from([0xff, 0xff, 0xff]), 2));
    add('unknown-kind', gen.frame(9, Buffer.from('x'), 3));
    add('dropped', gen.frame('dropped', gen.droppedPayload(1, 2, 1), 4));
    const badHeader = gen.frame('traces', tr(3), 5);
    badHeader[1] = 0x00; // sync broken
    add('corrupt-header', badHeader);
    add('sequence-gap', gen.frame('traces', tr(4), 7)); // 5 lost with the bad header, 6 never written
    const last = gen.frame('traces', tr(5), 8);
    add('truncated', last.subarray(0, last.length - 16));
    const f = write('every-diagnostic.nptb', Buffer.concat(parts));
    const r = cli(['dump', 'summary', f, '--json']);
    expect(r.code).toBe(0);
    const got = json(r.stdout).diagnostics.map((d: any) => [d.code, d.offset]);
    expect(got).toEqual(['corrupt-payload', 'malformed-payload', 'unknown-kind', 'dropped', 'corrupt-header', 'sequence-gap', 'truncated'].map((c) => [c, at[c]]));
    const gap = json(r.stdout).diagnostics.find((d: any) => d.code === 'sequence-gap');
    expect(gap).toMatchObject({ missing: 2, message: '2 frames missing between sequence 4 and 7' });
    const dropped = json(r.stdout).diagnostics.find((d: any) => d.code === 'dropped');
    expect(dropped).toMatchObject({ spans: 1, metricPoints: 2, logRecords: 1, message: 'the profiler dropped 1 span, 2 metric points and 1 log record' });
    // for people: singular and plural words
    const h = cli(['dump', 'summary', f]);
    expect(h.stdout).toMatch(/^dropped\s+1 span, 2 metric points, 1 log record$/m);
  });
});

describe('the words of the messages', () => {
  it('dump spans --trace ID that matches nothing: exit 1 with a message, nothing on stdout', () => {
    const id = 'f'.repeat(32);
    for (const out of [[], ['--json'], ['--jsonl']]) {
      const r = cli(['dump', 'spans', F('lambda.nptb'), '--trace', id, ...out]);
      expect(r.code).toBe(1);
      if (out.length) expect(json(r.stdout).error).toMatchObject({ code: 'trace-not-found', message: expect.stringContaining(id) });
      else {
        expect(r.stdout).toBe('');
        expect(r.stderr).toContain(`error trace-not-found:`);
      }
    }
  });

  it('check-lambda names a late invocation by faas.invocation_id and says which began first', () => {
    const r = cli(['dump', 'check-lambda', F('lambda.nptb'), '--json']);
    const spans = json(cli(['dump', 'spans', F('lambda.nptb'), '--json']).stdout);
    const idOf = new Map<string, string>(spans.filter((s: any) => s.kind === 2).map((s: any) => [s.spanId, s.attributes['faas.invocation_id']]));
    const late = json(r.stdout).problems.filter((p: any) => p.code === 'late-flush');
    expect(late).toHaveLength(3);
    for (const p of late) {
      const own = idOf.get(p.spanId)!;
      expect(own).toMatch(/^[0-9a-f-]{36}$/);
      expect(p.message).toMatch(new RegExp(`^invocation ${own} began first, but its spans were flushed as late as frame \\d+, at or after frame \\d+, which already holds spans of invocation [0-9a-f-]{36}, which began later$`));
      expect(p.message).not.toContain('lambda-profiler-demo');
    }
    const h = cli(['dump', 'check-lambda', F('lambda.nptb')]);
    expect(h.stdout).toMatch(/^5 invocations, 3 problems: failed$/m);
    const one = write('one.nptb', gen.writeDump([{ kind: 'traces', payload: gen.lambdaTraces({ invocations: 1, seed: 80 }).proto }]));
    expect(cli(['dump', 'check-lambda', one]).stdout).toMatch(/^1 invocation, 0 problems: ok$/m);
  });

  it('dump convert -o FOLDER --json: fs-eisdir naming the file, nothing written', () => {
    const out = path.join(dir, 'a-folder');
    fs.mkdirSync(out);
    const r = cli(['dump', 'convert', F('lambda.nptb'), '--to', 'otlp-json', '-o', out, '--json']);
    expect(r.code).toBe(3);
    expect(json(r.stdout).error).toMatchObject({ code: 'fs-eisdir', file: out, message: expect.stringContaining(out) });
    expect(fs.readdirSync(out)).toEqual([]);
    expect(fs.readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});

describe('a reader that closes the pipe early (| head): exit 0, nothing on stderr', () => {
  let big: string;
  beforeAll(() => {
    const line = fs.readFileSync(F('lambda.jsonl'));
    big = path.join(dir, 'big.jsonl');
    const fd = fs.openSync(big, 'w');
    for (let i = 0; i < 3000; i++) fs.writeSync(fd, line);
    fs.closeSync(fd);
  });
  const piped = (args: string[], head = 'head -1') => {
    const cmd = `"${process.execPath}" "${BIN}" ${args.map((a) => `'${a}'`).join(' ')} 2>"$ERR" | ${head} >/dev/null; echo "\${PIPESTATUS[0]}"`;
    const err = path.join(dir, `stderr-${Math.random().toString(36).slice(2)}`);
    const r = spawnSync('bash', ['-c', cmd], { encoding: 'utf8', env: { ...process.env, ERR: err, NO_COLOR: '1' }, timeout: 120_000 });
    return { code: Number(r.stdout.trim()), stderr: fs.readFileSync(err, 'utf8') };
  };
  for (const args of [['dump', 'spans'], ['dump', 'spans', '--json'], ['dump', 'spans', '--jsonl'], ['dump', 'convert', '--to', 'otlp-json'], ['dump', 'convert', '--to', 'chrome'], ['dump', 'convert', '--to', 'otlp-proto']]) {
    it(args.join(' ') + ' BIG | head', () => {
      const [g, c, ...rest] = args;
      const r = piped([g!, c!, big, ...rest], rest.includes('otlp-proto') ? 'head -c 100' : 'head -1');
      expect(r).toEqual({ code: 0, stderr: '' });
    }, 120_000);
  }
});
