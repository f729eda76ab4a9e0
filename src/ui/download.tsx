// Downloads made in the page: results as CSV or JSON, a chart figure as SVG or PNG (its caption and
// legend included, as the charts draw it in their SVG; both panels of a reliability diagram stacked).
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

/** One standalone SVG document for a <figure>: its caption, then each chart surface stacked. */
export function figureToSvg(fig: HTMLElement): { svg: string; width: number; height: number } {
  const surfaces = [...fig.querySelectorAll<SVGSVGElement>('svg.plot')];
  const cap = fig.querySelector('figcaption')?.cloneNode(true) as HTMLElement | undefined;
  cap?.querySelector('.export')?.remove();
  const caption = cap?.textContent?.trim() ?? '';
  const width = Math.max(...surfaces.map((s) => s.width.baseVal.value), 200);
  let y = 24;
  const parts = surfaces.map((s) => {
    const g = `<g transform="translate(0,${y})">${new XMLSerializer().serializeToString(s)}</g>`;
    y += s.height.baseVal.value;
    return g;
  });
  const text = `<text x="4" y="16" font-weight="bold">${escapeXml(caption)}</text>`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" font-family="sans-serif" font-size="12"><rect width="100%" height="100%" fill="#fff"/>${text}${parts.join('')}</svg>`;
  return { svg, width, height: y };
}

export async function figureToPng(fig: HTMLElement, scale = 2): Promise<Blob> {
  const { svg, width, height } = figureToSvg(fig);
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

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 120);

export function ResultButtons({ results, name }: { results: SweepRecord[]; name: string }) {
  return (
    <span className="export">
      <button type="button" onClick={() => download(`${slug(name)}.csv`, 'text/csv', toCsv(results))}>
        Results CSV
      </button>
      <button
        type="button"
        onClick={() => download(`${slug(name)}.json`, 'application/json', JSON.stringify(results, null, 1))}
      >
        Results JSON
      </button>
    </span>
  );
}

export function ExportButtons({ figure, name }: { figure: () => HTMLElement | null; name: string }) {
  return (
    <span className="export">
      <button
        type="button"
        onClick={() => {
          const f = figure();
          if (f) download(`${slug(name)}.svg`, 'image/svg+xml', figureToSvg(f).svg);
        }}
      >
        SVG
      </button>
      <button
        type="button"
        onClick={() => {
          const f = figure();
          if (f) void figureToPng(f).then((b) => download(`${slug(name)}.png`, 'image/png', b));
        }}
      >
        PNG
      </button>
    </span>
  );
}
