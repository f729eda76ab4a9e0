// Bundles over HTTP (the built-in ones under public/data) or from files the user picked.
import type { FetchFile } from '../core/data/bundle';

export const httpFetcher = (base: string): FetchFile => async (path) => {
  const url = `${base.replace(/\/$/, '')}/${path}`;
  const res = await fetch(url);
  if (!res.ok) throw new Error(`could not load ${url}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
};

export const builtinBundle = (name: string) => httpFetcher(`${import.meta.env.BASE_URL}data/${name}`);
