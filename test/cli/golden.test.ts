import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPageviews } from '../support/run-cli.js';
import { BIN } from '../support/spawn.js';

describe('golden CLI cases (fixtures/cases, run by `pageviews verify`)', () => {
  it('every case matches its expected stdout, stderr and exit code', async () => {
    const result = await runPageviews(['verify', 'fixtures/cases']);
    expect(result.stdout).not.toContain('FAIL');
    expect(result.stdout).toMatch(/^verify: \d+ passed, 0 failed$/m);
    expect(result.code).toBe(0);
  });

  // A CI step may pipe something into it: each case reads its own stdin file, not the pipe.
  it('cases read their own stdin when verify itself runs with a pipe on stdin', () => {
    const result = spawnSync('bash', ['-c', `echo '{"userId":"x","pageId":"from-the-pipe","timestamp":1}' | node "${BIN}" verify fixtures/cases`], { encoding: 'utf8' });
    expect(result.stdout).not.toContain('FAIL');
    expect(result.stdout).toMatch(/^verify: \d+ passed, 0 failed$/m);
    expect(result.status).toBe(0);
  });

  it('a mismatching case prints a readable diff and exits with the mismatch code (6)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pageviews-verify-'));
    cpSync('fixtures/cases/reference-page-grace0-csv', join(dir, 'case'), { recursive: true });
    writeFileSync(join(dir, 'case', 'cmd'), `count ${join(process.cwd(), 'fixtures/reference-sample.ndjson')} -f csv\n`);
    writeFileSync(
      join(dir, 'case', 'expout'),
      'pageId,windowStart,windowEnd,count\np001,2021-03-25T00:00:00Z,2021-04-01T00:00:00Z,4\np002,2021-03-25T00:00:00Z,2021-04-01T00:00:00Z,1\np002,2021-04-22T00:00:00Z,2021-04-29T00:00:00Z,2\n',
    );
    const result = await runPageviews(['verify', dir]);
    expect(result.code).toBe(6);
    expect(result.stdout).toContain(`FAIL ${join(dir, 'case')}`);
    expect(result.stdout).toContain('-p001,2021-03-25T00:00:00Z,2021-04-01T00:00:00Z,4');
    expect(result.stdout).toContain('+p001,2021-03-25T00:00:00Z,2021-04-01T00:00:00Z,3');
    expect(result.stdout).toContain('verify: 0 passed, 1 failed');
    expect(result.stderr).toBe('pageviews: 1 of 1 fixture cases do not match\n');
  });

  it('--update writes the expectations that a later verify accepts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pageviews-verify-'));
    writeFileSync(join(dir, 'cmd'), 'count - --by user-page -f ndjson --grace unbounded\n');
    writeFileSync(join(dir, 'stdin'), '{"userId":"u","pageId":"p","timestamp":1}\n');
    expect((await runPageviews(['verify', dir, '--update'])).code).toBe(0);
    const again = await runPageviews(['verify', dir]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('verify: 1 passed, 0 failed');
  });

  it('no cases found is a usage error, a missing directory an I/O error', async () => {
    expect((await runPageviews(['verify', mkdtempSync(join(tmpdir(), 'pageviews-empty-'))])).code).toBe(2);
    const missing = await runPageviews(['verify', 'no/such/dir']);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toBe('pageviews: cannot read fixture cases: no such file or directory (no/such/dir)\n');
  });
});
