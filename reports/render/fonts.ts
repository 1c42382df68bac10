/**
 * The font files resvg draws text with. They come from the dejavu-fonts-ttf npm package, so a
 * fresh machine after `npm ci` renders text without any system font installed (resvg has no
 * built-in font: without a font file every label silently disappears). System fonts are a
 * fallback only when the package is missing, and then a warning says so.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** DejaVu Sans regular and bold: all the charts use (titles are bold). */
const FONT_FILES = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf', 'DejaVuSans-Oblique.ttf'];

export interface ChartFonts {
  /** TTF files to load into resvg */
  fontFiles: string[];
  /** true when the package was missing and resvg must search the system */
  loadSystemFonts: boolean;
  /** why the packaged fonts were not used, when they were not */
  warning: string | null;
}

export function chartFonts(): ChartFonts {
  try {
    const dir = path.join(path.dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
    const files = FONT_FILES.map((f) => path.join(dir, f)).filter((f) => existsSync(f));
    if (files.length > 0) return { fontFiles: files, loadSystemFonts: false, warning: null };
  } catch {
    // fall through to system fonts
  }
  return {
    fontFiles: [],
    loadSystemFonts: true,
    warning: 'dejavu-fonts-ttf is not installed: PNG text uses system fonts and may be missing (run npm ci)',
  };
}
