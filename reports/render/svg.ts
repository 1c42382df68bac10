/**
 * Vega-Lite spec -> Vega -> SVG string, headless: a vega View with renderer 'none' renders its
 * scenegraph to SVG without a DOM or canvas. Data are inline values, so no loader is needed; the
 * loader is still given a no-network stub so a stray URL fails loudly instead of fetching.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export async function specToSvg(spec: TopLevelSpec): Promise<string> {
  const { spec: vegaSpec } = compile(spec);
  const loader = vega.loader();
  loader.load = (uri: string) => Promise.reject(new Error(`chart data must be inline; refusing to load ${uri}`));
  const view = new vega.View(vega.parse(vegaSpec), { renderer: 'none', loader });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
