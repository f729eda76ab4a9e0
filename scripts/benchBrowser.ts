// The lab's speed in a real browser (Debian's chromium, headless), per backend: time to the first
// reliability diagram on a cold load (fresh profile) and a warm one (same profile: files and results
// cached), one full quantized run (calibrate 1,024 images, evaluate validation and test), the whole
// reliability grid, the longest main-thread task meanwhile and while charts of shipped results mount; "Compute
// every run" with 1, 2, ... workers against one; then the worker's tensor count and the page's JS heap after
// each of 20 consecutive runs (both must stay flat).
//   npm run build && npm run bench:browser [-- --backends auto,wasm,webgpu,webgl,cpu --full wasm --runs 20 --grid --grid-limit 1800
//                                           --fill 1,2 --snapshots 1,6,20]
import { parseArgs } from 'node:util';
import { type Browser, type CDPSession, type Page, chromium } from '@playwright/test';
import { CHROMIUM_FLAGS, CHROMIUM_PATH, serveVite } from './browser';
import { ROOT } from './nodeTf';

const PORT = 4175;
const BASE = `http://127.0.0.1:${PORT}`;
// shipped results off: the benchmark times computing, not showing what the lab ships
const MODEL = 'dataset=retinamnist&arch=mobileone_s0&shipped=off';

/** A long animation frame as the benchmark reports it: when (s after watching began), how long, and where the time went. */
interface SlowFrame {
  at: number;
  duration: number;
  blocking: number;
  render: number;
  scripts: string[];
}
type BackendFrame = SlowFrame & { backend: string };

/**
 * Records the longest main-thread task from now on (the UI must never block for long), and the slowest
 * animation frames with their attribution (Long Animation Frames: which script ran, for how long, and the
 * rendering after it), so that a long task can be traced to what the page was doing.
 */
const watchLongTasks = (page: Page) =>
  page.evaluate(() => {
    const w = window as Window & { longest?: number; slowFrames?: SlowFrame[] };
    const t0 = performance.now();
    w.longest = 0;
    w.slowFrames = [];
    new PerformanceObserver((l) =>
      l.getEntries().forEach((e) => (w.longest = Math.max(w.longest!, e.duration))),
    ).observe({ type: 'longtask' });
    type Script = {
      duration: number;
      invoker: string;
      sourceFunctionName: string;
      sourceURL: string;
      sourceCharPosition: number;
      forcedStyleAndLayoutDuration: number;
    };
    type Frame = PerformanceEntry & { blockingDuration: number; renderStart: number; scripts: Script[] };
    new PerformanceObserver((l) => {
      for (const f of l.getEntries() as Frame[]) {
        const scripts = f.scripts
          .filter((x) => x.duration >= 5)
          .map(
            (x) =>
              `${x.invoker} -> ${x.sourceFunctionName || '?'} @${x.sourceURL.split('/').pop()}:${x.sourceCharPosition} ${x.duration.toFixed(0)} ms` +
              (x.forcedStyleAndLayoutDuration
                ? ` (forced layout ${x.forcedStyleAndLayoutDuration.toFixed(0)})`
                : ''),
          );
        w.slowFrames!.push({
          at: (f.startTime - t0) / 1000,
          duration: f.duration,
          blocking: f.blockingDuration,
          render: f.renderStart ? f.startTime + f.duration - f.renderStart : 0,
          scripts,
        });
        w.slowFrames!.sort((a, b) => b.duration - a.duration).splice(5);
      }
    }).observe({ type: 'long-animation-frame' });
  });
const longestTask = (page: Page) =>
  page.evaluate(() => (window as Window & { longest?: number }).longest ?? 0);
const slowFrames = (page: Page) =>
  page.evaluate(() => (window as Window & { slowFrames?: SlowFrame[] }).slowFrames ?? []);

const metrics = (page: Page) => page.getByRole('table').filter({ hasText: 'before scaling' });
const firstDiagram = (page: Page) =>
  page.getByRole('figure', { name: /^Before temperature scaling/ }).waitFor({ timeout: 900_000 });

async function timed(f: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await f();
  return (performance.now() - t) / 1000;
}

/** gridLimit: seconds the whole grid may take (0: not run). */
async function backendFigures(
  browser: Browser,
  backend: string,
  full: boolean,
  gridLimit: number,
  frames: BackendFrame[],
): Promise<string[]> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const url = `${BASE}/?${MODEL}&precision=fp32&backend=${backend}`;
  const cold = await timed(async () => {
    await page.goto(url);
    await firstDiagram(page);
  });
  const running = await page.getByRole('status', { name: 'backend' }).textContent();
  const chosen = /Running on (\w+)/.exec(running ?? '')?.[1];
  if (!chosen || (backend !== 'auto' && chosen !== backend))
    return [backend, `did not start: ${running}`, '', '', '', ''];
  const name = backend === 'auto' ? `auto (${chosen})` : backend;
  const warm = await timed(async () => {
    await page.reload();
    await firstDiagram(page);
  });
  await watchLongTasks(page);
  const quantized = !full
    ? 'not run'
    : (
        await timed(async () => {
          await page.getByLabel('Precision').selectOption('w8a8');
          await metrics(page).filter({ hasText: 'calibrated on 1024 images' }).waitFor({ timeout: 900_000 });
        })
      ).toFixed(1);
  let gridSeconds = 'not run';
  if (gridLimit > 0) {
    const table = page.getByRole('table', { name: /Reliability grid/ });
    const drawn = () => table.getByRole('figure').count();
    try {
      gridSeconds = (
        await timed(async () => {
          const start = performance.now();
          await page.getByLabel('View').selectOption('grid');
          // waits in slices, saying how far it got, so that an hours-long grid shows its pace as it goes
          for (;;) {
            const left = gridLimit * 1000 - (performance.now() - start);
            try {
              return await table
                .locator('.cell-placeholder')
                .first()
                .waitFor({ state: 'detached', timeout: Math.max(1, Math.min(left, 600_000)) });
            } catch (e) {
              if (left <= 600_000) throw e;
              console.error(
                `${backend} grid: ${await drawn()} diagrams drawn after ${((performance.now() - start) / 1000).toFixed(0)} s`,
              );
            }
          }
        })
      ).toFixed(1);
    } catch {
      // a slow software backend: say how far it got rather than lose the other figures
      gridSeconds = `over ${gridLimit} (${await drawn()} diagrams drawn)`;
    }
  }
  const longest = await longestTask(page);
  frames.push(...(await slowFrames(page)).map((f) => ({ backend, ...f })));
  await context.close();
  return [name, cold.toFixed(2), warm.toFixed(2), quantized, gridSeconds, longest.toFixed(0)];
}

/** Longest main-thread task (ms) while `act` runs; shipped results, so only drawing is timed. */
async function longestDuring(page: Page, act: () => Promise<void>): Promise<string> {
  await watchLongTasks(page);
  await act();
  await page.waitForTimeout(500); // a task still running when act returned ends and is observed
  const ms = await longestTask(page);
  return ms ? ms.toFixed(0) : 'none of 50 or more'; // the Long Tasks API reports tasks of 50 ms and up
}

/**
 * The main thread while charts mount from shipped results on wasm: the single view stepping through the
 * four precisions (two diagrams each), the grid's 12 cells mounting; then the temperature slider stepping.
 */
async function drawingFigures(browser: Browser): Promise<string[][]> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  await page.goto(`${BASE}/?dataset=retinamnist&arch=mobileone_s0&precision=fp32&backend=wasm`);
  await firstDiagram(page);
  const titled = (p: string) =>
    page
      .getByRole('figure', { name: /^Before temperature scaling/ })
      .locator('.subject', { hasText: `, ${p}, ` })
      .waitFor({ timeout: 60_000 });
  const rows: string[][] = [];
  for (const [p, label] of [
    ['w8a8', 'W8/A8'],
    ['w4a8', 'W4/A8'],
    ['w4a4', 'W4/A4'],
    ['fp32', 'FP32'],
  ]) {
    const ms = await longestDuring(page, async () => {
      await page.getByLabel('Precision').selectOption(p);
      await titled(label);
      await page.waitForFunction(
        () => document.querySelectorAll('.chart-stale, .chart-pending').length === 0,
      );
    });
    rows.push([`single view: precision to ${label}`, ms]);
  }
  const table = page.getByRole('table', { name: /Reliability grid/ });
  const ms = await longestDuring(page, async () => {
    await page.getByLabel('View').selectOption('grid');
    await table.getByRole('figure').nth(11).waitFor({ timeout: 60_000 });
    await page.waitForFunction(() => document.querySelectorAll('.chart-pending').length === 0);
  });
  rows.push(['grid: 12 cells mount', ms]);
  // the temperature slider on a run computed here (shipped results carry no logits): 40 steps by keyboard
  await page.goto(`${BASE}/?dataset=retinamnist&arch=mobileone_s0&precision=fp32&backend=wasm&shipped=off`);
  const slider = page.getByRole('slider', { name: 'Temperature T' });
  await slider.waitFor({ timeout: 120_000 });
  await slider.focus();
  const steps = await longestDuring(page, async () => {
    for (let i = 0; i < 40; i++) await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => document.querySelectorAll('.chart-stale, .chart-pending').length === 0);
  });
  rows.push(['temperature slider: 40 steps', steps]);
  await context.close();
  return rows;
}

/**
 * "Compute every run" of RetinaMNIST on wasm from an empty cache (30 runs), with the page told it has as many
 * cores as the workers wanted (the fill takes one per core: fillWorkerCount), in seconds.
 */
async function fillSeconds(browser: Browser, workers: number): Promise<number> {
  const context = await browser.newContext();
  // as text: tsx names the getter with a helper (__name) that the page does not have, and the script would throw
  await context.addInitScript({
    content: `Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => ${workers} });`,
  });
  const page = await context.newPage();
  await page.goto(`${BASE}/?dataset=retinamnist&view=scatter&backend=wasm&shipped=off`);
  const group = page.getByRole('group', { name: 'Compute every run' });
  const button = group.getByRole('button', { name: 'Compute every run of retinamnist' });
  await button.waitFor({ timeout: 60_000 });
  const says = workers === 1 ? 'on a second worker' : `on ${workers} workers of its own`;
  if (!(await group.textContent())?.includes(says)) throw new Error(`the fill panel does not say "${says}"`);
  const seconds = await timed(async () => {
    await button.click();
    await group
      .getByRole('status')
      .getByText(/^Done: (\d+) of \1 runs ready/)
      .waitFor({ timeout: 3_600_000 });
  });
  await context.close();
  return seconds;
}

type HeapSummary = Map<string, { count: number; bytes: number }>;

/** The page's heap by node type and constructor name (a heap snapshot, which collects garbage first). */
async function heapSummary(cdp: CDPSession): Promise<HeapSummary> {
  const chunks: string[] = [];
  const take = (e: { chunk: string }) => chunks.push(e.chunk);
  cdp.on('HeapProfiler.addHeapSnapshotChunk', take);
  await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  cdp.off('HeapProfiler.addHeapSnapshotChunk', take);
  const snap = JSON.parse(chunks.join('')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
  const fields = snap.snapshot.meta.node_fields;
  const [type, name, size] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const out: HeapSummary = new Map();
  for (let i = 0; i < snap.nodes.length; i += fields.length) {
    const key = `${snap.snapshot.meta.node_types[0][snap.nodes[i + type]]} ${snap.strings[snap.nodes[i + name]].slice(0, 60)}`;
    const e = out.get(key) ?? { count: 0, bytes: 0 };
    e.count++;
    e.bytes += snap.nodes[i + size];
    out.set(key, e);
  }
  return out;
}

/** What grew between two heap summaries, largest first. */
function printHeapGrowth(from: HeapSummary, to: HeapSummary, label: string, top = 15) {
  const rows = [...to]
    .map(([k, v]) => ({
      k,
      count: v.count - (from.get(k)?.count ?? 0),
      bytes: v.bytes - (from.get(k)?.bytes ?? 0),
    }))
    .filter((r) => r.bytes !== 0)
    .sort((a, b) => b.bytes - a.bytes);
  const total = rows.reduce((a, r) => a + r.bytes, 0);
  const byType = new Map<string, number>();
  for (const r of rows) {
    const type = r.k.split(' ')[0];
    byType.set(type, (byType.get(type) ?? 0) + r.bytes);
  }
  const types = [...byType]
    .sort((a, b) => b[1] - a[1])
    .map(([t, b]) => `${t} ${(b / 1024).toFixed(0)} KiB`)
    .join(', ');
  console.log(
    `\nheap growth ${label}: ${(total / 2 ** 20).toFixed(2)} MiB net (${types}); largest by self size:`,
  );
  console.log('| node type and name | objects | KiB |');
  console.log('|---|---|---|');
  for (const r of rows.slice(0, top))
    console.log(
      `| ${r.k.replace(/\|/g, '/').replace(/\s+/g, ' ')} | ${r.count} | ${(r.bytes / 1024).toFixed(1)} |`,
    );
}

/** 20 consecutive quantized runs (each a new trial, precision or bin count, so none is cached). */
async function leakFigures(browser: Browser, runs: number, snapshotsAt: number[]): Promise<string[][]> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await page.goto(`${BASE}/?${MODEL}&precision=w8a8&backend=wasm`);
  const rows: string[][] = [];
  const snapshots: [number, HeapSummary][] = [];
  const combos = [15, 10, 20].flatMap((bins) =>
    [1, 2, 3].flatMap((trial) => ['w8a8', 'w4a8', 'w4a4'].map((precision) => ({ bins, trial, precision }))),
  );
  let last = { bins: 15, trial: 1, precision: 'w8a8' };
  for (const [i, c] of combos.slice(0, runs).entries()) {
    if (i > 0) {
      if (c.bins !== last.bins) await page.getByLabel('ECE bins').selectOption(String(c.bins));
      if (c.trial !== last.trial) await page.getByLabel('Trial').selectOption(String(c.trial));
      if (c.precision !== last.precision) await page.getByLabel('Precision').selectOption(c.precision);
    }
    last = c;
    await page.getByText(/Computed on wasm in [\d.]+ s/).waitFor({ timeout: 900_000 });
    await page
      .getByRole('region', { name: 'Most confident mistakes' })
      .getByText(/FP32:/)
      .first()
      .waitFor({ timeout: 300_000 });
    const worker = await page.evaluate(() =>
      (window as Window & { qcalWorkerMemory?: () => Promise<{ numTensors: number; numBytes: number }> })
        .qcalWorkerMemory!(),
    );
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = await cdp.send('Runtime.getHeapUsage');
    rows.push([
      String(i + 1),
      `${c.precision} trial ${c.trial} bins ${c.bins}`,
      String(worker.numTensors),
      (worker.numBytes / 2 ** 20).toFixed(2),
      (heap.usedSize / 2 ** 20).toFixed(1),
    ]);
    console.log(`| ${rows.at(-1)!.join(' | ')} |`);
    if (snapshotsAt.includes(i + 1)) snapshots.push([i + 1, await heapSummary(cdp)]);
  }
  for (let k = 1; k < snapshots.length; k++)
    printHeapGrowth(
      snapshots[k - 1][1],
      snapshots[k][1],
      `from run ${snapshots[k - 1][0]} to run ${snapshots[k][0]}`,
    );
  await context.close();
  return rows;
}

async function main() {
  const { values } = parseArgs({
    options: {
      backends: { type: 'string', default: 'auto,wasm,webgpu,webgl,cpu' },
      // SwiftShader's WebGPU and the JS cpu backend are far slower than wasm: quantized runs only where named
      full: { type: 'string', default: 'auto,wasm' },
      runs: { type: 'string', default: '20' },
      grid: { type: 'boolean', default: false },
      'grid-limit': { type: 'string', default: '1800' }, // seconds; a slower grid is reported as 'over N'
      // heap snapshots after these runs, and what grew between them (e.g. 1,6,20)
      snapshots: { type: 'string', default: '' },
      // "Compute every run" with these numbers of workers ('' for none)
      fill: { type: 'string', default: '1,2' },
    },
  });
  const full = values.full!.split(',');
  const server = await serveVite(ROOT, 'preview', PORT);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS });
  try {
    console.log(
      `chromium ${browser.version()} headless, ${MODEL.replace('&', ', ')}; seconds, longest main-thread task in ms`,
    );
    console.log('| drawing charts (1366x768) | longest task ms |');
    console.log('|---|---|');
    for (const row of await drawingFigures(browser)) console.log(`| ${row.join(' | ')} |`);
    console.log('');
    const backends = values.backends!.split(',').filter(Boolean); // --backends '' measures only the 20 runs
    if (backends.length) {
      console.log(
        '| backend | cold: first diagram s | warm: first diagram s | W8/A8 run s | whole grid s | longest task ms |',
      );
      console.log('|---|---|---|---|---|---|');
    }
    const frames: BackendFrame[] = [];
    for (const b of backends) {
      console.log(
        `| ${(await backendFigures(browser, b, full.includes(b), values.grid! && full.includes(b) ? Number(values['grid-limit']) : 0, frames)).join(' | ')} |`,
      );
    }
    if (frames.length) {
      console.log(
        '\nslowest animation frames after the warm load (s after it; ms; blocking = time over 50 ms in its tasks; render = style, layout, paint):',
      );
      console.log('| backend | at s | frame ms | blocking ms | render ms | scripts of 5 ms or more |');
      console.log('|---|---|---|---|---|---|');
      for (const f of frames)
        console.log(
          `| ${f.backend} | ${f.at.toFixed(1)} | ${f.duration.toFixed(0)} | ${f.blocking.toFixed(0)} | ${f.render.toFixed(0)} | ${f.scripts.join('; ').replace(/\|/g, '/') || '-'} |`,
        );
    }
    const fills = values.fill!.split(',').filter(Boolean).map(Number);
    if (fills.length) {
      console.log('\n| "Compute every run" of retinamnist on wasm (30 runs) | s | speed-up on one worker |');
      console.log('|---|---|---|');
      let one: number | undefined;
      for (const w of fills) {
        const s = await fillSeconds(browser, w);
        if (w === 1) one = s;
        console.log(
          `| ${w} worker${w === 1 ? '' : 's'} | ${s.toFixed(1)} | ${one ? `${(one / s).toFixed(2)}x` : '-'} |`,
        );
      }
    }
    if (Number(values.runs) === 0) return;
    console.log('\n| run | settings | worker tensors | worker MiB | page JS heap MiB |');
    console.log('|---|---|---|---|---|');
    const rows = await leakFigures(
      browser,
      Number(values.runs),
      values.snapshots!.split(',').filter(Boolean).map(Number),
    );
    const tensors = new Set(rows.map((r) => r[2]));
    console.log(
      `worker tensor count ${tensors.size === 1 ? 'flat' : 'NOT flat'} over ${rows.length} runs; page heap ${rows[0][4]} -> ${rows.at(-1)![4]} MiB`,
    );
  } finally {
    await browser.close();
    try {
      process.kill(-server.pid!);
    } catch {
      /* the server has stopped already */
    }
  }
}

await main();
