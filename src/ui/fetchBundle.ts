// Bundles over HTTP (the built-in ones under public/data) or from files the user picked.
import { type FetchFile, blobFetcher } from '../core/data/bundle';

export const httpFetcher =
  (base: string): FetchFile =>
  async (path) => {
    const url = `${base.replace(/\/$/, '')}/${path}`;
    const res = await fetch(url);
    if (!res.ok) throw new Error(`could not load ${url}: HTTP ${res.status}`);
    return new Uint8Array(await res.arrayBuffer());
  };

const builtinBundle = (name: string) => httpFetcher(`${import.meta.env.BASE_URL}data/${name}`);

/** The files of a bundle the user brought (`userFiles`), else the built-in bundle of that name. */
export const bundleFetcher = (name: string, userFiles?: Record<string, Blob>): FetchFile =>
  userFiles ? blobFetcher(userFiles) : builtinBundle(name);
