// The common rules of docs/cli.md that the framework owns: one JSON document for every
// failure with --json, usage lines, flag values, suggestions, short quoting, help.
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli';

const RELEASE = 'examples/release';

describe('usage errors', () => {
  it('--json with a usage error prints one JSON document, in the failure shape', () => {
    const r = cli(['layer', 'build', RELEASE, '--arch', '--json']);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.stdout);
    expect(doc).toEqual({
      ok: false,
      error: {
        code: 'bad-argument',
        argument: 'arch',
        message: '--arch needs a value ARCH (accepted: arm64, x64)',
        usage: expect.stringMatching(/^net-profiler layer build RELEASE --arch arm64\|x64 /),
      },
    });
    const u = cli(['frobnicate', '--json']);
    expect(u.code).toBe(2);
    expect(JSON.parse(u.stdout).error).toMatchObject({ code: 'bad-argument', message: "unknown command 'frobnicate'" });
  });

  it('a flag value may start with "-": --level -1 is refused for its range, not as "ambiguous"', () => {
    const r = cli(['layer', 'build', RELEASE, '--arch', 'x64', '--level', '-1']);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/ambiguous/);
    expect(r.stderr).toMatch(/^net-profiler: --level: level -1 is not an integer from 0 to 12/m);
    expect(r.stderr).toMatch(/^usage: net-profiler layer build RELEASE /m);
  });

  it('a missing flag value names the flag and what it accepts, with the usage line', () => {
    const r = cli(['layer', 'build', RELEASE, '--arch']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('net-profiler: --arch needs a value ARCH (accepted: arm64, x64)');
    expect(r.stderr).toContain('usage: net-profiler layer build RELEASE --arch arm64|x64');
  });

  it('a value not accepted lists the accepted ones', () => {
    const f = cli(['dump', 'summary', 'x.nptb', '--format', 'foo']);
    expect(f.code).toBe(2);
    expect(f.stderr).toContain('--format does not accept "foo" (accepted: auto, nptb, otlp-jsonl, collector-proto, otlp-proto)');
    expect(f.stderr).toMatch(/^usage: net-profiler dump summary FILE /m);
    const s = cli(['dump', 'summary', 'x.nptb', '--signal', 'foo']);
    expect(s.stderr).toContain('--signal does not accept "foo" (accepted: traces, metrics, logs)');
  });

  it('a missing argument is named', () => {
    const r = cli(['layer', 'unpack', 'a.zip']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('missing argument DIR');
    expect(r.stderr).toContain('usage: net-profiler layer unpack ZIP DIR');
  });

  it('an unknown flag suggests the nearest known one', () => {
    const r = cli(['dump', 'summary', 'x.nptb', '--jsn']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown flag "--jsn"; did you mean --json?');
    const c = cli(['dump', 'sumary']);
    expect(c.stderr).toContain("unknown command 'dump sumary'; did you mean 'dump summary'?");
  });

  it('a huge argument is quoted as a short prefix, not echoed whole', () => {
    const big = 'x'.repeat(120_000);
    for (const args of [
      ['layer', 'build', RELEASE, '--arch', big],
      ['layer', 'build', RELEASE, '--arch', 'x64', '--runtime', big],
      ['dump', 'summary', 'a', '--format', big],
      ['settings', big],
      ['dump', 'summary', 'a', `--${big}`],
    ]) {
      const r = cli(args);
      expect(r.code).toBe(2);
      expect(r.stderr.length).toBeLessThan(1000);
      expect(r.stderr).toMatch(/\(120000 characters\)|…/);
    }
  });

  it('a boolean flag given a value is refused', () => {
    const r = cli(['dump', 'summary', 'x.nptb', '--json=yes']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error.message).toBe('--json takes no value');
  });
});

describe('help and version', () => {
  it('--version --json prints {"version"}', () => {
    const r = cli(['--version', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(cli(['--version']).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('every group and every command has --help with an example', () => {
    const main = cli(['--help']);
    expect(main.code).toBe(0);
    const section = (title: string) => [...(main.stdout.split(`${title}:\n`)[1] ?? '').split('\n\n')[0]!.matchAll(/^ {2}([a-z-]+) {2,}/gm)].map((m) => m[1]!);
    const groups = section('groups');
    expect(groups).toEqual(['settings', 'layer', 'lambda', 'dump']);
    for (const top of section('commands')) {
      const h = cli([top, '--help']);
      expect(h.code, top).toBe(0);
      expect(h.stdout, top).toMatch(new RegExp(`^usage: net-profiler ${top}`));
      expect(h.stdout, top).toMatch(/\nexample:\n {2}net-profiler /);
    }
    for (const g of groups) {
      const h = cli([g, '--help']);
      expect(h.code, g).toBe(0);
      expect(h.stdout, g).toMatch(/\nexample:\n {2}net-profiler /);
      const commands = [...h.stdout.split('commands:\n')[1]!.split('\n\n')[0]!.matchAll(/^ {2}([a-z-]+) /gm)].map((m) => m[1]!);
      expect(commands.length, g).toBeGreaterThan(0);
      for (const c of commands) {
        const ch = cli([g, c, '--help']);
        expect(ch.code, `${g} ${c}`).toBe(0);
        expect(ch.stdout, `${g} ${c}`).toMatch(new RegExp(`^usage: net-profiler ${g} ${c}`));
        expect(ch.stdout, `${g} ${c}`).toMatch(/\nexample:\n {2}net-profiler /);
      }
    }
  });
});
