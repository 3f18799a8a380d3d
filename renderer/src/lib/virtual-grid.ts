// Layout math for the virtualised thumbnail grid: which rows are on screen. Pure, so it is
// tested without a browser; the component renders only rows [firstRow, lastRow).

export interface GridInput {
  /** Inner width of the scrolling area, px. */
  width: number;
  viewportHeight: number;
  scrollTop: number;
  count: number;
  /** Smallest cell edge, px; cells stretch to fill the row. */
  minCell: number;
  gap: number;
  /** Extra rows rendered above and below the viewport so fast scrolling does not flash. */
  overscan: number;
}

export interface GridLayout {
  columns: number;
  cell: number;
  rowHeight: number;
  rows: number;
  totalHeight: number;
  firstRow: number;
  lastRow: number;
  /** Index range of items to render: [firstIndex, lastIndex). */
  firstIndex: number;
  lastIndex: number;
}

export function gridLayout(g: GridInput): GridLayout {
  const width = Math.max(0, g.width);
  const columns = Math.max(1, Math.floor((width + g.gap) / (g.minCell + g.gap)));
  const cell = Math.max(1, Math.floor((width - g.gap * (columns - 1)) / columns));
  const rowHeight = cell + g.gap;
  const rows = Math.ceil(g.count / columns);
  const totalHeight = Math.max(0, rows * rowHeight - g.gap);
  const top = Math.max(0, g.scrollTop);
  const firstRow = Math.max(0, Math.floor(top / rowHeight) - g.overscan);
  const lastRow = Math.min(rows, Math.ceil((top + Math.max(0, g.viewportHeight)) / rowHeight) + g.overscan);
  return {
    columns, cell, rowHeight, rows, totalHeight, firstRow, lastRow,
    firstIndex: Math.min(g.count, firstRow * columns),
    lastIndex: Math.min(g.count, lastRow * columns),
  };
}

/** The scrollTop that brings item `index` fully into view (unchanged when it already is). */
export function scrollToReveal(index: number, layout: Pick<GridLayout, 'columns' | 'rowHeight' | 'cell'>, scrollTop: number, viewportHeight: number): number {
  const row = Math.floor(index / layout.columns);
  const top = row * layout.rowHeight;
  const bottom = top + layout.cell;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewportHeight) return Math.max(0, bottom - viewportHeight);
  return scrollTop;
}

/** Keyboard movement in the grid: arrows move by one cell or one row, clamped to the items. */
export function moveSelection(index: number, key: string, columns: number, count: number, pageRows = 5): number {
  if (count === 0) return -1;
  if (index < 0) return 0;
  const step: Record<string, number> = {
    ArrowLeft: -1, ArrowRight: 1, ArrowUp: -columns, ArrowDown: columns, PageUp: -columns * pageRows, PageDown: columns * pageRows,
  };
  if (key === 'Home') return 0;
  if (key === 'End') return count - 1;
  const d = step[key];
  if (d === undefined) return index;
  return Math.min(count - 1, Math.max(0, index + d));
}
