// Generates lib/settings/settings.generated.ts (the `Settings` type) from the native key
// table. generated.test.ts proves the committed file equal to what this gives, so the
// type cannot drift from native/settings/keys.cc.
import type { KeySpec } from '../../lib/settings';

function tsType(k: KeySpec): string {
  const union = (vs: readonly string[] | undefined) => (vs ?? []).map((v) => `'${v}'`).join(' | ');
  switch (k.kind) {
    case 'bool':
      return 'boolean';
    case 'enum':
      return union(k.values);
    case 'url':
    case 'string':
    case 'token':
      return 'string';
    case 'headers':
      return 'Record<string, string>';
    case 'int':
    case 'float':
      return 'number';
    case 'list':
      return `Array<${union(k.values)}>`;
    default:
      throw new Error(`no TypeScript type for ${k.kind}`);
  }
}

function doc(k: KeySpec): string {
  let text = k.description;
  if (k.min !== undefined && k.max !== undefined) text += ` From ${k.min} to ${k.max}.`;
  if (k.default !== undefined) text += ` Default \`${JSON.stringify(k.default)}\`.`;
  else if (k.defaultFrom === undefined) text += ' No default.';
  return text;
}

/** The text of lib/settings/settings.generated.ts for `keys`. */
export function settingsTypeModule(keys: readonly KeySpec[]): string {
  const lines: string[] = [
    '// GENERATED from the native key table (native/settings/keys.cc): do not edit. After',
    '// changing the table, run `NP_UPDATE_GENERATED=1 npx vitest run test/settings/generated.test.ts`',
    '// (test/settings/keys-codegen.ts writes it; generated.test.ts proves it up to date).',
    '',
    '/**',
    ' * The effective settings: the file\'s values with every default filled in',
    ' * (docs/settings.md, "Keys"). A key without a default is absent when the file does not set it.',
    ' */',
    'export interface Settings {',
  ];
  const walk = (prefix: string, indent: string): void => {
    for (const k of keys) {
      const parent = k.path.includes('.') ? k.path.slice(0, k.path.lastIndexOf('.')) : '';
      if (parent !== prefix) continue;
      const name = k.path.slice(prefix === '' ? 0 : prefix.length + 1);
      if (k.kind === 'section') {
        lines.push(`${indent}/** ${k.description} */`, `${indent}${name}: {`);
        walk(k.path, indent + '  ');
        lines.push(`${indent}};`);
      } else {
        const optional = k.default === undefined ? '?' : '';
        lines.push(`${indent}/** ${doc(k)} */`, `${indent}${name}${optional}: ${tsType(k)};`);
      }
    }
  };
  walk('', '  ');
  lines.push('}', '');
  return lines.join('\n');
}
