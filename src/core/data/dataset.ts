import { check } from '../errors';

export interface ImageShape {
  height: number;
  width: number;
  channels: 1 | 3;
}

/** Images are uint8, (N, H, W, C) row-major; labels one byte each (at most 256 classes). */
export interface Split {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}

export interface Dataset {
  name: string;
  title: string;
  classes: string[];
  image: ImageShape;
  splits: Record<string, Split>;
  /** The split that calibration batches are drawn from. */
  poolSplit: string;
  /** Validation split: temperature scaling is fitted on it. */
  valSplit: string;
  /** Test splits, the default first. */
  testSplits: string[];
  source: string;
  license: string;
}

export const NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** Refuses a dataset whose sizes, labels or split roles do not agree. */
export function validateDataset(ds: Dataset): void {
  check(NAME_PATTERN.test(ds.name), `dataset name ${JSON.stringify(ds.name)} must match ${NAME_PATTERN}`);
  check(
    ds.classes.length >= 1 && ds.classes.length <= 256,
    `a dataset needs 1 to 256 classes, got ${ds.classes.length}`,
  );
  const { height, width, channels } = ds.image;
  check(
    Number.isInteger(height) && Number.isInteger(width) && height > 0 && width > 0,
    `image size ${height}x${width} is not a positive integer size`,
  );
  check(channels === 1 || channels === 3, `images must have 1 or 3 channels, got ${channels}`);
  const per = height * width * channels;
  for (const [name, s] of Object.entries(ds.splits)) {
    check(NAME_PATTERN.test(name), `split name ${JSON.stringify(name)} must match ${NAME_PATTERN}`);
    check(s.labels.length === s.count, `split ${name}: ${s.labels.length} labels for ${s.count} images`);
    check(
      s.images.length === s.count * per,
      `split ${name}: ${s.images.length} image bytes, expected ${s.count} x ${per}`,
    );
    for (let i = 0; i < s.count; i++) {
      check(
        s.labels[i] < ds.classes.length,
        () => `split ${name}: label ${s.labels[i]} of image ${i} is out of range 0..${ds.classes.length - 1}`,
      );
    }
  }
  for (const role of [ds.poolSplit, ds.valSplit, ...ds.testSplits]) {
    check(
      role in ds.splits,
      `split ${JSON.stringify(role)} is named as a role but missing; have ${Object.keys(ds.splits).join(', ')}`,
    );
  }
  check(ds.testSplits.length >= 1, 'a dataset needs at least one test split');
  check(ds.splits[ds.poolSplit].count > 0, `the calibration pool (${ds.poolSplit}) is empty`);
}

/** A split restricted to the given image indices (copies). */
export function subset(split: Split, indices: ArrayLike<number>, image: ImageShape): Split {
  const per = image.height * image.width * image.channels;
  const images = new Uint8Array(indices.length * per);
  const labels = new Uint8Array(indices.length);
  for (let j = 0; j < indices.length; j++) {
    const i = indices[j];
    check(Number.isInteger(i) && i >= 0 && i < split.count, `index ${i} is outside 0..${split.count - 1}`);
    images.set(split.images.subarray(i * per, (i + 1) * per), j * per);
    labels[j] = split.labels[i];
  }
  return { images, labels, count: indices.length };
}
