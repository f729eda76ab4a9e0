// Downloads made in the page: results as CSV or JSON, a chart figure as SVG or PNG (its caption and
// legend included, as the charts draw it in their SVG; both panels of a reliability diagram stacked), or
// a whole grid of figures as one.
import type { SweepRecord } from '../core/experiment/summary';
import { toCsv } from '../core/experiment/summary';
export function download(name: string, mime: string, data: BlobPart): void {
  const url = URL.createObjectURL(new Blob([data], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const escapeXml = (s: string) =>
  s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);

/** An SVG document ready to download: its text and size in px. */
export interface SvgDoc {
  svg: string;
  width: number;
  height: number;
}

/** A piece of a figure: SVG markup placed at its origin, and its size. */
interface Piece {
  body: string;
  width: number;
  height: number;
}

const CAPTION_HEIGHT = 24;

/** A <figure> as SVG markup: its caption (without the export buttons), then each chart surface stacked. */
function figurePiece(fig: HTMLElement): Piece {
  const surfaces = [...fig.querySelectorAll<SVGSVGElement>('svg.plot, svg.recharts-surface')];
  const cap = fig.querySelector('figcaption')?.cloneNode(true) as HTMLElement | undefined;
  cap?.querySelector('.export')?.remove();
  const caption = cap?.textContent?.trim() ?? '';
  const width = Math.max(...surfaces.map((s) => s.width.baseVal.value), 200);
  let y = CAPTION_HEIGHT;
  const parts = surfaces.map((s) => {
    const g = `<g transform="translate(0,${y})">${new XMLSerializer().serializeToString(s)}</g>`;
    y += s.height.baseVal.value;
    return g;
  });
  const text = `<text x="4" y="16" font-weight="bold">${escapeXml(caption)}</text>`;
  return { body: text + parts.join(''), width, height: y };
}

const svgDoc = ({ body, width, height }: Piece): SvgDoc => ({
  svg: `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12"><rect width="100%" height="100%" fill="#fff"/>${body}</svg>`,
  width,
  height,
});

/** One standalone SVG document for a <figure>: its caption, then each chart surface stacked. */
export const figureToSvg = (fig: HTMLElement): SvgDoc => svgDoc(figurePiece(fig));

/**
 * One SVG document for a grid of figures (the reliability grid): a title, a legend drawn once (an SVG
 * surface, or none), then the figures in rows, each row headed by its label. Missing cells stay blank.
 */
export function gridToSvg(
  title: string,
  legend: SVGSVGElement | null,
  rows: { label: string; figures: (HTMLElement | null)[] }[],
): SvgDoc {
  const HEAD = 80; // the row labels' column
  const pieces = rows.map((r) => r.figures.map((f) => (f ? figurePiece(f) : null)));
  const cols = Math.max(0, ...rows.map((r) => r.figures.length));
  const colWidth = Math.max(200, ...pieces.flat().map((p) => p?.width ?? 0));
  let y = CAPTION_HEIGHT + 8;
  let body = `<text x="4" y="18" font-weight="bold" font-size="16">${escapeXml(title)}</text>`;
  if (legend) {
    body += `<g transform="translate(${HEAD},${y})">${new XMLSerializer().serializeToString(legend)}</g>`;
    y += legend.height.baseVal.value;
  }
  rows.forEach((r, i) => {
    const rowHeight = Math.max(0, ...pieces[i].map((p) => p?.height ?? 0));
    body += `<text x="4" y="${y + 40}" font-weight="bold" font-size="14">${escapeXml(r.label)}</text>`;
    pieces[i].forEach((p, j) => {
      if (p) body += `<g transform="translate(${HEAD + j * colWidth},${y})">${p.body}</g>`;
    });
    y += rowHeight + 8;
  });
  return svgDoc({ body, width: HEAD + cols * colWidth, height: y });
}

export async function svgToPng({ svg, width, height }: SvgDoc, scale = 2): Promise<Blob> {
  const img = new Image();
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = width * scale;
  canvas.height = height * scale;
  const ctx = canvas.getContext('2d')!;
  ctx.scale(scale, scale);
  ctx.drawImage(img, 0, 0);
  return new Promise((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png'),
  );
}

/** A file name's stem from a figure's or a run's name. */
export const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 120);

/** Results as JSON, without the test logits a run computed here keeps for the temperature slider: they
 * would be most of the file, as numbers keyed by index. */
const resultsJson = (results: SweepRecord[]) =>
  JSON.stringify(results, (key, value: unknown) => (key === 'test' ? undefined : value), 1);

export function ResultButtons({ results, name }: { results: SweepRecord[]; name: string }) {
  return (
    <span className="export">
      <button type="button" onClick={() => download(`${slug(name)}.csv`, 'text/csv', toCsv(results))}>
        Results CSV
      </button>
      <button
        type="button"
        onClick={() => download(`${slug(name)}.json`, 'application/json', resultsJson(results))}
      >
        Results JSON
      </button>
    </span>
  );
}

/** Resolves once every chart inside `el` has drawn its current data (drawQueue.ts), so that an export
 * never catches a chart waiting for its turn. */
async function whenDrawn(el: HTMLElement): Promise<void> {
  while (el.querySelector('.chart-pending, .chart-stale'))
    await new Promise((resolve) => requestAnimationFrame(resolve));
}

interface ExportProps {
  /** The element holding the charts (null: nothing to export yet). */
  target: () => HTMLElement | null;
  /** Its SVG document: by default the figure's caption and chart surfaces. */
  toSvg?: (el: HTMLElement) => SvgDoc;
  name: string;
}

/** SVG and PNG downloads of a figure, once its charts have drawn. */
export function ExportButtons({ target, toSvg = figureToSvg, name }: ExportProps) {
  const doc = async () => {
    const el = target();
    if (!el) return null;
    await whenDrawn(el);
    return toSvg(el);
  };
  return (
    <span className="export">
      <button
        type="button"
        onClick={() => void doc().then((d) => d && download(`${slug(name)}.svg`, 'image/svg+xml', d.svg))}
      >
        SVG
      </button>
      <button
        type="button"
        onClick={() =>
          void doc().then(async (d) => d && download(`${slug(name)}.png`, 'image/png', await svgToPng(d)))
        }
      >
        PNG
      </button>
    </span>
  );
}
