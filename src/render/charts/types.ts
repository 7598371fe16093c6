/** One chart of a report, as SVG text (PNG is made from it by `svgToPng`). */
export interface Chart {
  /** Stable, file-name safe: `stage-time`, `cache`, `stage-size`, `waterfall`. */
  id: 'stage-time' | 'cache' | 'stage-size' | 'waterfall';
  /** Human title, also drawn in the chart. */
  title: string;
  /** A standalone SVG document (no external references). */
  svg: string;
}
