// The command line on a terminal (docs/cli.md): long work (layer build, a dump of more than
// 64 MiB, publish upload) shows progress on stderr when stderr is a TTY, never in --json
// output; output for people is coloured only on a TTY and never with NO_COLOR. The real
// bin runs under a pseudo-terminal made by util-linux `script`; the same commands piped
// print neither.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { BIN, ROOT, cli } from './helpers/cli';
import { needTool } from './helpers/tools';
import { needMoto, startMoto, type Moto } from './helpers/moto';
// eslint-disable-next-line @typescript-eslint/no-var-requires
const gen = require('./dump/gen.js');

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs `net-profiler ARGS` with stdout and stderr on a pseudo-terminal; returns what the terminal got. */
function onTty(args: string[], opts: { env?: NodeJS.ProcessEnv; stdinFile?: string; color?: boolean } = {}): { code: number; screen: string } {
  let cmd = [process.execPath, BIN, ...args].map(q).join(' ');
  if (opts.stdinFile) cmd = `${cmd} < ${q(opts.stdinFile)}`;
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', TERM: 'xterm', ...(opts.env ?? {}) };
  if (opts.color) delete env.NO_COLOR;
  const r = spawnSync('script', ['-qec', cmd, '/dev/null'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, screen: String(r.stdout) };
}

/** The progress redraws of a screen: "\r ESC[K label …" (the line is redrawn in place). */
const redraws = (screen: string, label: string) => screen.split('\r\x1b[K').filter((s) => s.startsWith(label));

const haveScript = needTool('script', 'the progress tests run the CLI on a pseudo-terminal (util-linux script)', ['-V']);

describe.runIf(haveScript)('progress on a terminal', () => {
  let dir: string;
  let big: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'np-progress-'));
    // a dump just over the 64 MiB threshold, from real SDK payloads
    big = path.join(dir, 'big.nptb');
    const pool: Buffer[] = [];
    for (let i = 0; i < 4; i++) pool.push(gen.frame('traces', gen.lambdaTraces({ invocations: 20, seed: 50 + i }).proto, 0));
    const fd = fs.openSync(big, 'w');
    fs.writeSync(fd, gen.header());
    let size = 64;
    let seq = 0;
    while (size <= 72 << 20) {
      const f = Buffer.from(pool[seq % pool.length]!);
      f.writeBigUInt64LE(BigInt(seq++), 16);
      f.writeUInt32LE(gen.crc32c(f.subarray(0, 24)), 24);
      fs.writeSync(fd, f);
      size += f.length;
    }
    fs.closeSync(fd);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('dump summary of a file over 64 MiB: a percentage redrawn in place, cleared before the result', () => {
    const r = onTty(['dump', 'summary', big]);
    expect(r.code).toBe(0);
    const lines = redraws(r.screen, `reading ${big}`);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.at(-1)).toMatch(/^reading .* \d+% \(\d+\.\d MiB of 72\.\d MiB\)/);
    // the line is cleared before the summary is printed
    const after = r.screen.slice(r.screen.lastIndexOf('\r\x1b[K') + 4);
    expect(after).toMatch(/^format\s+nptb/m);
    expect(after).not.toContain('reading');
  });

  it('dump summary from stdin on a terminal: progress without a total once past 64 MiB', () => {
    const r = onTty(['dump', 'summary', '-'], { stdinFile: big });
    expect(r.code).toBe(0);
    const lines = redraws(r.screen, 'reading <stdin>');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.at(-1)).toMatch(/^reading <stdin> \((6[4-9]|7\d)\.\d MiB\)/);
    expect(r.screen).toMatch(/spans\s+\d+/);
  });

  it('never with --json, never for a small dump, never when stderr is not a terminal', () => {
    const j = onTty(['dump', 'summary', big, '--json']);
    expect(j.code).toBe(0);
    expect(j.screen).not.toContain('reading');
    expect(JSON.parse(j.screen.replace(/\r\n/g, '\n')).format).toBe('nptb');
    const small = onTty(['dump', 'summary', path.join(ROOT, 'test/dump/fixtures/lambda.nptb')]);
    expect(small.code).toBe(0);
    expect(small.screen).not.toContain('reading');
    const piped = cli(['dump', 'summary', big]);
    expect(piped.code).toBe(0);
    expect(piped.stderr).toBe('');
  });

  it('layer build: "compressing" with a percentage on a terminal, nothing when piped or with --json', () => {
    const out = path.join(dir, 'layer-tty');
    const r = onTty(['layer', 'build', 'examples/release', '--arch', 'arm64', '--out', out]);
    expect(r.code).toBe(0);
    const lines = redraws(r.screen, 'compressing');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.at(-1)).toMatch(/^compressing 100% \(/);
    const j = onTty(['layer', 'build', 'examples/release', '--arch', 'arm64', '--out', path.join(dir, 'layer-json'), '--json']);
    expect(j.code).toBe(0);
    expect(j.screen).not.toContain('compressing');
    const piped = cli(['layer', 'build', 'examples/release', '--arch', 'arm64', '--out', path.join(dir, 'layer-pipe')]);
    expect(piped.code).toBe(0);
    expect(piped.stderr).not.toContain('compressing');
  });

  it('findings are coloured on a terminal; never with NO_COLOR, with --json, or when piped', () => {
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(bad, 'Global:\n  Provider: dynatrace\n');
    const ESC = '\x1b[';
    const tty = onTty(['settings', 'check', bad], { color: true });
    expect(tty.code).toBe(1);
    expect(tty.screen).toContain(`${ESC}31merror${ESC}0m unknown-key`);
    const noColor = onTty(['settings', 'check', bad]);
    expect(noColor.code).toBe(1);
    expect(noColor.screen).toContain('error unknown-key');
    expect(noColor.screen).not.toContain(ESC);
    const json = onTty(['settings', 'check', bad, '--json'], { color: true });
    expect(json.screen).not.toContain(ESC);
    const env = { ...process.env };
    delete env.NO_COLOR;
    const piped = spawnSync(process.execPath, [BIN, 'settings', 'check', bad], { cwd: ROOT, encoding: 'utf8', env });
    expect(piped.status).toBe(1);
    expect(piped.stdout + piped.stderr).toContain('error unknown-key');
    expect(piped.stdout + piped.stderr).not.toContain(ESC);
  });

  describe.runIf(needMoto())('lambda publish against moto', () => {
    let moto: Moto;
    beforeAll(async () => {
      moto = await startMoto();
    });
    afterAll(async () => {
      await moto?.stop();
    });

    it('publish: "publishing" with the bytes sent on a terminal, nothing with --json', () => {
      const out = path.join(dir, 'layer-pub');
      const built = cli(['layer', 'build', 'examples/release', '--arch', 'x64', '--out', out, '--json']);
      expect(built.code).toBe(0);
      const zip: string = JSON.parse(built.stdout).layerZip;
      const r = onTty(['lambda', 'publish', zip, '--layer-name', 'tty-pub'], { env: moto.env });
      expect(r.code, r.screen).toBe(0);
      const lines = redraws(r.screen, 'publishing');
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.at(-1)).toMatch(/^publishing 100% \(/);
      expect(r.screen).toMatch(/published arn:aws:lambda:[^:]+:\d+:layer:tty-pub:1/);
      const j = onTty(['lambda', 'publish', zip, '--layer-name', 'tty-pub', '--json'], { env: moto.env });
      expect(j.code).toBe(0);
      expect(j.screen).not.toContain('publishing');
    });
  });
});
