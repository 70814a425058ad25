/**
 * Dotenv files (`--dotenv F`): `NAME=value` lines to resolve `${env:NAME}` from instead
 * of the environment.
 * @packageDocumentation
 */
import { INPUT_CAPS } from '../constants';
import { NetProfilerError } from '../errors';
import { readFileCapped } from '../files';
import type { SettingsErrorCode } from './errors';

/**
 * Parses dotenv text: `NAME=value` lines, `#` comments and empty lines, an optional
 * `export ` before the name, optional single or double quotes around the value (double
 * quotes understand `\n`, `\"` and `\\`).
 * @param text - the file's text
 * @param file - its name, for the error
 * @throws NetProfilerError `dotenv-syntax` naming the file and line
 */
export function parseDotenv(text: string, file = 'dotenv file'): Record<string, string> {
  const env: Record<string, string> = {};
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((line, i) => {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) return;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(t);
    if (!m) {
      throw new NetProfilerError<SettingsErrorCode>('dotenv-syntax', `line ${i + 1} is not NAME=value`, {
        kind: 'refused',
        file,
        line: i + 1,
        column: 1,
        fix: 'write NAME=value (or a # comment)',
      });
    }
    let v = m[2] as string;
    if (v.length >= 2 && ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'")))) {
      const inner = v.slice(1, -1);
      v = v.startsWith('"') ? inner.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\') : inner;
    }
    env[m[1] as string] = v;
  });
  return env;
}

/**
 * Reads and parses a dotenv file (at most `INPUT_CAPS.dotenvBytes`).
 * @throws NetProfilerError `fs-*` or `input-too-large` naming the file; `dotenv-syntax`
 */
export async function readDotenvFile(file: string): Promise<Record<string, string>> {
  const bytes = await readFileCapped(file, INPUT_CAPS.dotenvBytes, 'dotenv file');
  return parseDotenv(bytes.toString('utf8'), file);
}
