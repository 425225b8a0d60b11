import type { Locator } from 'playwright-core';

/** Pixels drawn on a canvas (alpha above zero), read from the page: a chart was drawn, not just laid out. */
export function drawnPixels(canvas: Locator): Promise<number> {
  return canvas.evaluate((c) => {
    const el = c as HTMLCanvasElement;
    const data = el.getContext('2d')?.getImageData(0, 0, el.width, el.height).data;
    let n = 0;
    if (data) for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) n++;
    return n;
  });
}
