import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('Architecture', () => {
  it('every notification goes through src/views/notifications.ts, which redacts keys', () => {
    const offenders = filesUnder('src').filter(
      (file) => !file.endsWith(join('views', 'notifications.ts')) && /window\s*\.\s*show(Error|Warning|Information)Message\s*\(/.test(readFileSync(file, 'utf8')),
    );
    assert.deepEqual(offenders, []);
  });

  for (const dir of ['src/sources', 'src/core']) {
    it(`nothing under ${dir} imports vscode`, () => {
      const files = filesUnder(dir);
      assert.ok(files.length > 3, `expected source files under ${dir}`);
      const offenders = files.filter((file) =>
        /(from\s+['"]vscode['"])|(require\(\s*['"]vscode['"]\s*\))|(import\(\s*['"]vscode['"]\s*\))/.test(readFileSync(file, 'utf8')),
      );
      assert.deepEqual(offenders, []);
    });
  }
});
