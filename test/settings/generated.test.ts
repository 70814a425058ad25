// The files derived from the native key table are up to date: the `Settings` type
// (lib/settings/settings.generated.ts) and the published JSON Schema
// (schema/settings.schema.json). Both are regenerated from native/settings/keys.cc, so a
// change of the table fails here until they are regenerated with NP_UPDATE_GENERATED=1.
import { describe, expect, it } from 'vitest';
import * as fs from 'fs';
import * as path from 'path';
import { settingsJsonSchema, settingsKeys } from '../../lib/settings';
import { settingsTypeModule } from './keys-codegen';

const ROOT = path.resolve(__dirname, '../..');
const TYPE_FILE = path.join(ROOT, 'lib/settings/settings.generated.ts');
const SCHEMA_FILE = path.join(ROOT, 'schema/settings.schema.json');
const UPDATE = process.env.NP_UPDATE_GENERATED === '1';

describe('files generated from the native key table', () => {
  it('lib/settings/settings.generated.ts is the Settings type of the table', () => {
    const want = settingsTypeModule(settingsKeys());
    if (UPDATE) fs.writeFileSync(TYPE_FILE, want);
    expect(fs.readFileSync(TYPE_FILE, 'utf8')).toBe(want);
  });
  it('schema/settings.schema.json is the schema of the table', () => {
    const want = JSON.stringify(settingsJsonSchema(), null, 2) + '\n';
    if (UPDATE) fs.writeFileSync(SCHEMA_FILE, want);
    expect(fs.readFileSync(SCHEMA_FILE, 'utf8')).toBe(want);
  });
});
