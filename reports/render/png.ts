/** SVG -> PNG with @resvg/resvg-js, text drawn with the packaged DejaVu Sans (see fonts.ts). */
import { Resvg } from '@resvg/resvg-js';
import { CHART_FONT } from '../charts/spec.ts';
import { chartFonts } from './fonts.ts';

export interface PngOptions {
  /** pixel scale over the SVG's size; default 2 (crisp in documents and slides) */
  zoom?: number;
}

function rasterize(svg: string, options: PngOptions) {
  const fonts = chartFonts();
  const resvg = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: options.zoom ?? 2 },
    font: {
      fontFiles: fonts.fontFiles,
      loadSystemFonts: fonts.loadSystemFonts,
      defaultFontFamily: CHART_FONT,
      sansSerifFamily: CHART_FONT,
    },
  });
  return resvg.render();
}

export function svgToPng(svg: string, options: PngOptions = {}): Buffer {
  return rasterize(svg, options).asPng();
}

/** The same rendering as raw RGBA pixels (row-major), for checks that text was actually drawn. */
export function svgToPixels(svg: string, options: PngOptions = {}): { width: number; height: number; rgba: Buffer } {
  const image = rasterize(svg, options);
  return { width: image.width, height: image.height, rgba: image.pixels };
}
