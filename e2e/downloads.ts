// What the page downloads, as the tests read it: the file's bytes, and an exported SVG parsed by the browser.
import type { Download, Page } from '@playwright/test';

export async function readDownload(d: Download): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of await d.createReadStream()) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function downloaded(page: Page, click: () => Promise<void>): Promise<Buffer> {
  const [d] = await Promise.all([page.waitForEvent('download'), click()]);
  return readDownload(d);
}

/** An SVG document as the browser parses it: whether it failed, its nested surfaces, its text. */
export const parseSvg = (page: Page, svg: Buffer) =>
  page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    return {
      error: doc.querySelector('parsererror') !== null,
      surfaces: doc.querySelectorAll('svg svg').length,
      text: doc.documentElement.textContent ?? '',
    };
  }, svg.toString('utf8'));
