// qcal-bundle v1: one folder per dataset.
//   manifest.json                      what is below, with the size and sha256 of every file
//   <split>.labels.u8                  one byte per image
//   <split>.<k>.paeth-gzip             images k*1000 .. k*1000+999, (N, H, W, C) uint8, Paeth-filtered
//                                      per row (paeth.ts) then gzip; shards let a page show results
//                                      while the rest downloads. Not ".gz": static servers would send
//                                      that with Content-Encoding and the browser would unzip it.
// Every file's size and hash are checked before it is decoded.
import { check, InputError } from '../errors';
import { compress, concatBytes, decompress, sha256Hex } from '../util/bytes';
import { type Dataset, type ImageShape, type Split, validateDataset, NAME_PATTERN } from './dataset';
import { paethFilter, paethUnfilter } from './paeth';

export const BUNDLE_FORMAT = 'qcal-bundle';
export const BUNDLE_VERSION = 1;
export const SHARD_SIZE = 1000;

export interface FileRef {
  file: string;
  bytes: number;
  sha256: string;
}

export interface ShardRef extends FileRef {
  count: number;
}

export interface SplitManifest {
  count: number;
  labels: FileRef;
  shards: ShardRef[];
  /** Class counts, so the UI can show the balance without downloading the split. */
  classCounts: number[];
}

export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  version: typeof BUNDLE_VERSION;
  name: string;
  title: string;
  classes: string[];
  image: ImageShape;
  poolSplit: string;
  valSplit: string;
  testSplits: string[];
  splits: Record<string, SplitManifest>;
  source: string;
  license: string;
}

async function fileRef(file: string, bytes: Uint8Array): Promise<FileRef> {
  return { file, bytes: bytes.length, sha256: await sha256Hex(bytes) };
}

/** Encodes a dataset as bundle files (path -> bytes), manifest.json included. */
export async function encodeBundle(ds: Dataset): Promise<Map<string, Uint8Array>> {
  validateDataset(ds);
  const files = new Map<string, Uint8Array>();
  const per = ds.image.height * ds.image.width * ds.image.channels;
  const splits: Record<string, SplitManifest> = {};
  for (const [name, s] of Object.entries(ds.splits)) {
    const shards: ShardRef[] = [];
    for (let start = 0; start < s.count; start += SHARD_SIZE) {
      const count = Math.min(SHARD_SIZE, s.count - start);
      const raw = s.images.subarray(start * per, (start + count) * per);
      const bytes = await compress(
        paethFilter(raw, ds.image.height, ds.image.width, ds.image.channels),
        'gzip',
      );
      const file = `${name}.${shards.length}.paeth-gzip`;
      files.set(file, bytes);
      shards.push({ ...(await fileRef(file, bytes)), count });
    }
    const labelsFile = `${name}.labels.u8`;
    files.set(labelsFile, s.labels);
    const classCounts = new Array(ds.classes.length).fill(0);
    for (const l of s.labels) classCounts[l]++;
    splits[name] = { count: s.count, labels: await fileRef(labelsFile, s.labels), shards, classCounts };
  }
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    name: ds.name,
    title: ds.title,
    classes: ds.classes,
    image: ds.image,
    poolSplit: ds.poolSplit,
    valSplit: ds.valSplit,
    testSplits: ds.testSplits,
    splits,
    source: ds.source,
    license: ds.license,
  };
  files.set('manifest.json', new TextEncoder().encode(JSON.stringify(manifest, null, 1) + '\n'));
  return files;
}

const isObj = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);
const FILE_PATTERN = /^[a-z0-9][a-z0-9_.-]*$/;

function checkFileRef(x: unknown, where: string): asserts x is FileRef {
  check(isObj(x), `${where}: expected a file entry`);
  check(
    typeof x.file === 'string' && FILE_PATTERN.test(x.file),
    `${where}: bad file name ${JSON.stringify(x.file)}`,
  );
  check(Number.isInteger(x.bytes) && (x.bytes as number) >= 0, `${where}: bad byte count`);
  check(typeof x.sha256 === 'string' && /^[0-9a-f]{64}$/.test(x.sha256), `${where}: bad sha256`);
}

/** Parses and validates manifest.json; throws InputError naming the first problem. */
export function parseManifest(bytes: Uint8Array): BundleManifest {
  let m: unknown;
  try {
    m = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    throw new InputError(`manifest.json is not valid JSON: ${(e as Error).message}`);
  }
  check(
    isObj(m) && m.format === BUNDLE_FORMAT,
    `not a ${BUNDLE_FORMAT} manifest (format field missing or wrong)`,
  );
  check(
    m.version === BUNDLE_VERSION,
    `${BUNDLE_FORMAT} version ${String(m.version)} is not supported; this lab reads version ${BUNDLE_VERSION}`,
  );
  check(
    typeof m.name === 'string' && NAME_PATTERN.test(m.name),
    `bad dataset name ${JSON.stringify(m.name)}`,
  );
  check(
    Array.isArray(m.classes) && m.classes.every((c) => typeof c === 'string'),
    'classes must be a list of names',
  );
  const img = m.image;
  check(
    isObj(img) && [img.height, img.width, img.channels].every(Number.isInteger),
    'image must give integer height, width, channels',
  );
  check(isObj(m.splits), 'splits missing');
  for (const [name, s] of Object.entries(m.splits)) {
    const where = `split ${name}`;
    check(NAME_PATTERN.test(name), `${where}: bad name`);
    check(isObj(s) && Number.isInteger(s.count) && (s.count as number) >= 0, `${where}: bad count`);
    checkFileRef(s.labels, `${where} labels`);
    check(Array.isArray(s.shards), `${where}: shards missing`);
    s.shards.forEach((sh: unknown, i: number) => {
      checkFileRef(sh, `${where} shard ${i}`);
      check(Number.isInteger((sh as ShardRef).count), `${where} shard ${i}: bad count`);
    });
    const total = (s.shards as ShardRef[]).reduce((n, sh) => n + sh.count, 0);
    check(total === s.count, `${where}: shards hold ${total} images, count says ${String(s.count)}`);
  }
  for (const key of ['poolSplit', 'valSplit'] as const) {
    check(typeof m[key] === 'string' && (m[key] as string) in m.splits, `${key} must name a split`);
  }
  check(
    Array.isArray(m.testSplits) &&
      m.testSplits.length > 0 &&
      m.testSplits.every((t) => typeof t === 'string' && t in (m as { splits: object }).splits),
    'testSplits must name at least one split',
  );
  return m as unknown as BundleManifest;
}

/** Reads one file of a bundle (relative path); throws if it cannot. */
export type FetchFile = (path: string) => Promise<Uint8Array>;

/** A bundle's files held in memory (files the user picked), by the names manifest.json gives them. */
export const blobFetcher =
  (files: Record<string, Blob>): FetchFile =>
  async (path) => {
    const f = files[path];
    if (!f) throw new InputError(`${path} is missing: pick manifest.json and every file it lists`);
    return new Uint8Array(await f.arrayBuffer());
  };

async function fetchChecked(fetchFile: FetchFile, ref: FileRef): Promise<Uint8Array> {
  const bytes = await fetchFile(ref.file);
  check(
    bytes.length === ref.bytes,
    `${ref.file}: ${bytes.length} bytes, the manifest says ${ref.bytes} (truncated or replaced file)`,
  );
  const hash = await sha256Hex(bytes);
  check(
    hash === ref.sha256,
    `${ref.file}: sha256 ${hash.slice(0, 12)}... does not match the manifest's ${ref.sha256.slice(0, 12)}...`,
  );
  return bytes;
}

export async function readManifest(fetchFile: FetchFile): Promise<BundleManifest> {
  return (await readManifestHashed(fetchFile)).manifest;
}

/** The manifest and the sha256 of its bytes: the bundle's identity, as the manifest holds every file's hash. */
export async function readManifestHashed(
  fetchFile: FetchFile,
): Promise<{ manifest: BundleManifest; sha256: string }> {
  const bytes = await fetchFile('manifest.json');
  return { manifest: parseManifest(bytes), sha256: await sha256Hex(bytes) };
}

export interface ReadSplitOptions {
  /** Called after each shard with the images decoded so far, for progress bars. */
  onShard?: (loaded: number, total: number) => void;
  /** Read only the first shards (a preview); default all. */
  maxShards?: number;
}

/** Reads one split, shard by shard, checking each file's size and hash before decoding it. */
export async function readSplit(
  fetchFile: FetchFile,
  manifest: BundleManifest,
  name: string,
  { onShard, maxShards = Infinity }: ReadSplitOptions = {},
): Promise<Split> {
  const s = manifest.splits[name];
  check(
    s,
    `split ${JSON.stringify(name)} is not in bundle ${manifest.name}; have ${Object.keys(manifest.splits).join(', ')}`,
  );
  const { height, width, channels } = manifest.image;
  const per = height * width * channels;
  const labels = await fetchChecked(fetchFile, s.labels);
  const parts: Uint8Array[] = [];
  let loaded = 0;
  const shards = s.shards.slice(0, maxShards);
  for (const sh of shards) {
    const gz = await fetchChecked(fetchFile, sh);
    let raw: Uint8Array;
    try {
      raw = await decompress(gz, 'gzip');
    } catch (e) {
      throw new InputError(`${sh.file}: not valid gzip data (${(e as Error).message})`);
    }
    check(
      raw.length === sh.count * per,
      `${sh.file}: ${raw.length} bytes after gunzip, expected ${sh.count} x ${per}`,
    );
    parts.push(paethUnfilter(raw, height, width, channels));
    loaded += sh.count;
    onShard?.(loaded, s.count);
  }
  const split = { images: concatBytes(parts), labels: labels.subarray(0, loaded), count: loaded };
  for (let i = 0; i < split.count; i++) {
    check(labels[i] < manifest.classes.length, () => `split ${name}: label ${labels[i]} out of range`);
  }
  return split;
}

/** Reads a whole bundle (or only the named splits) into a validated Dataset. */
export async function readBundle(fetchFile: FetchFile, only?: string[]): Promise<Dataset> {
  const m = await readManifest(fetchFile);
  const splits: Record<string, Split> = {};
  for (const name of only ?? Object.keys(m.splits)) splits[name] = await readSplit(fetchFile, m, name);
  const ds: Dataset = {
    name: m.name,
    title: m.title,
    classes: m.classes,
    image: m.image,
    splits,
    poolSplit: m.poolSplit,
    valSplit: m.valSplit,
    testSplits: m.testSplits,
    source: m.source,
    license: m.license,
  };
  if (!only) validateDataset(ds);
  return ds;
}
