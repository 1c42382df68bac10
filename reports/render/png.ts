/** SVG -> PNG with @resvg/resvg-js, text drawn with the packaged DejaVu Sans (see fonts.ts). */
import { Resvg } from '@resvg/resvg-js';
import { CHART_FONT } from '../charts/spec.ts';
import { chartFonts } from './fonts.ts';

export interface PngOptions {
  /** pixel scale over the SVG's size; default 2 (crisp in documents and slides) */
  zoom?: number;
}

export function svgToPng(svg: string, options: PngOptions = {}): Buffer {
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
  return resvg.render().asPng();
}
