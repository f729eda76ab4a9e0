// The sweep CLI end to end on the smallest shipped model: what it writes, that a second sweep into the
// same folder takes finished runs from sweep.json instead of computing them again, and model and bundle folders of one's own.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './nodeTf';

const out = mkdtempSync(join(tmpdir(), 'qcal-sweep-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

function sweep(...extra: string[]): string {
  const args = [
    '--import',
    'tsx',
    join(ROOT, 'scripts/sweep.ts'),
    '--datasets',
    'retinamnist',
    '--archs',
    'mobileone_s0',
    '--trials',
    '1',
    '--out',
    out,
    ...extra,
  ];
  return execFileSync(process.execPath, args, {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}
const read = (name: string) => readFileSync(join(out, name), 'utf8');

describe('npm run sweep', () => {
  it('should write every run to JSON, CSV and a Markdown table', () => {
    const table = sweep('--precisions', 'fp32,w8a8');
    const runs = JSON.parse(read('sweep.json')).results;
    expect(runs.map((r: { key: string }) => r.key)).toHaveLength(2);
    expect(runs[0].predictions).toBeUndefined(); // per-image data stays out of the file
    expect(read('sweep.csv').trim().split('\n')).toHaveLength(3); // header + two runs
    expect(table).toContain('| retinamnist | mobileone_s0 | W8/A8 | 1 |');
  }, 300_000);

  it('should take finished runs from sweep.json and compute only the new ones', () => {
    const before = JSON.parse(read('sweep.json')).results;
    // a marker in a stored run shows that it is reused, not recomputed
    const marked = { ...before[0], before: { ...before[0].before, error: 0.123456 } };
    writeFileSync(join(out, 'sweep.json'), JSON.stringify({ backend: 'wasm', results: [marked, before[1]] }));
    sweep('--precisions', 'fp32,w8a8,w4a4');
    const after = JSON.parse(read('sweep.json')).results;
    expect(after).toHaveLength(3);
    expect(after[0].before.error).toBe(0.123456);
    expect(after[1]).toEqual(before[1]);
    expect(after[2].spec.precision).toEqual({ wBits: 4, aBits: 4 });
  }, 300_000);

  it('should keep the runs it was not asked for, unless their model has been retrained since', () => {
    const before = JSON.parse(read('sweep.json')).results;
    const sha = JSON.parse(
      readFileSync(join(ROOT, 'public/models/retinamnist/shufflenetv2/model.json'), 'utf8'),
    ).weights.sha256;
    // another model's run (its current weights) and a run of weights no longer shipped
    const other = {
      ...before[0],
      key: 'other-model-run',
      weightsSha256: sha,
      spec: { ...before[0].spec, arch: 'shufflenetv2' },
    };
    const stale = { ...before[0], key: 'stale-run', weightsSha256: '0'.repeat(64) };
    writeFileSync(
      join(out, 'sweep.json'),
      JSON.stringify({ backend: 'wasm', results: [...before, other, stale] }),
    );
    sweep('--precisions', 'fp32');
    const after = JSON.parse(read('sweep.json')).results;
    // the W8/A8 and W4/A4 runs stay beside the FP32 one asked for, FP32 first; the other model's run is kept, after
    // them, under the key its fields give (keys are derived again on reading: a change of the key's form costs no run)
    expect(after.map((r: { key: string }) => r.key)).toEqual([
      ...before.map((r: { key: string }) => r.key),
      before[0].key.replace(before[0].weightsSha256.slice(0, 16), sha.slice(0, 16)),
    ]);
    expect(
      after.map((r: { spec: { precision: { wBits: number | null } } }) => r.spec.precision.wBits),
    ).toEqual([null, 8, 4, null]);
    expect(read('sweep.csv').trim().split('\n')).toHaveLength(5);
    expect(read('sweep.md')).toContain('| retinamnist | shufflenetv2 | FP32 | 1 |');
  }, 300_000);

  it('should recompute everything with --fresh', () => {
    sweep('--precisions', 'fp32', '--fresh');
    const runs = JSON.parse(read('sweep.json')).results;
    expect(runs).toHaveLength(1);
    expect(runs[0].before.error).not.toBe(0.123456);
  }, 300_000);

  it('should sweep a model folder on a bundle folder given by --models and --data, the bundle part of the key', () => {
    const mine = join(out, 'mine');
    const args = [
      '--import',
      'tsx',
      join(ROOT, 'scripts/sweep.ts'),
      '--models',
      join(ROOT, 'public/models/retinamnist/mobileone_s0'),
      '--data',
      join(ROOT, 'public/data/retinamnist'),
      '--precisions',
      'fp32',
      '--trials',
      '1',
      '--out',
      mine,
    ];
    execFileSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const [run] = JSON.parse(readFileSync(join(mine, 'sweep.json'), 'utf8')).results;
    const manifest = readFileSync(join(ROOT, 'public/data/retinamnist/manifest.json'));
    expect(run.key).toContain(
      `|retinamnist@${createHash('sha256').update(manifest).digest('hex').slice(0, 16)}|`,
    );
    const [shipped] = JSON.parse(read('sweep.json')).results; // the same model and data, found by name in public/
    expect(run.before).toEqual(shipped.before);
  }, 300_000);

  it('should refuse --models beside --datasets, and --models or --data without --out', () => {
    const model = join(ROOT, 'public/models/retinamnist/mobileone_s0');
    const cli =
      (...args: string[]) =>
      () =>
        execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/sweep.ts'), ...args], {
          cwd: ROOT,
          stdio: 'pipe',
        });
    expect(cli('--models', model, '--datasets', 'retinamnist', '--out', out)).toThrow(
      /--models names the models itself/,
    );
    expect(cli('--models', model)).toThrow(/--models and --data need --out DIR/);
    expect(cli('--models', out, '--out', out)).toThrow(/model.json is missing: --models takes model folders/);
  }, 60_000);

  it('should refuse a damaged sweep.json with a clear error and leave it as it was', () => {
    writeFileSync(join(out, 'sweep.json'), '{"backend": "wasm", "results": [');
    expect(() => sweep('--precisions', 'fp32')).toThrow(/sweep\.json is not valid JSON.*--fresh/s);
    expect(read('sweep.json')).toBe('{"backend": "wasm", "results": [');
  }, 300_000);
  it('should sweep a mixed precision over the quantized precisions, in its CSV column, and refuse a bad label', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qcal-sweep-mixed-')); // the other tests build on one folder
    sweep('--precisions', 'fp32,w4a4', '--mixed', 'ends:w8a8,depthwise:w8a8', '--out', dir); // the last --out
    const file = (name: string) => readFileSync(join(dir, name), 'utf8');
    const runs = JSON.parse(file('sweep.json')).results as { key: string; spec: { mixed?: string } }[];
    expect(runs.map((r) => r.spec.mixed)).toEqual([undefined, 'depthwise:w8a8;ends:w8a8']); // FP32 has none
    const [head, , w4a4] = file('sweep.csv').trim().split('\n');
    expect(w4a4.split(',')[head.split(',').indexOf('mixed')]).toBe('depthwise:w8a8;ends:w8a8');
    expect(() => sweep('--precisions', 'w4a4', '--mixed', 'depthwise:w9a8', '--out', dir)).toThrow(
      /key:wXaY/,
    );
    rmSync(dir, { recursive: true });
  }, 300_000);
});
