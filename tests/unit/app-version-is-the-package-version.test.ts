import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { APP_VERSION } from '../../src-shared/app-version.ts';

it('receipts and heartbeats name the version package.json gives the app', () => {
  const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8'));
  expect(APP_VERSION).toBe(pkg.version);
});
