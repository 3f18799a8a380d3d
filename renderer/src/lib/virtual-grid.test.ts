import { describe, expect, it } from 'vitest';
import { gridLayout, moveSelection, scrollToReveal } from './virtual-grid.js';
import { formatDuration, splitLabels } from './format.js';

const base = { width: 1000, viewportHeight: 600, scrollTop: 0, count: 100_000, minCell: 160, gap: 8, overscan: 2 };

describe('gridLayout', () => {
  it('renders only the rows near the viewport, even for 100k photos', () => {
    const g = gridLayout(base);
    expect(g.columns).toBe(6); // 6×160 + 5×8 = 1000 fits exactly; 7 would not
    expect(g.cell * g.columns + 8 * (g.columns - 1)).toBeLessThanOrEqual(1000);
    expect(g.rows).toBe(Math.ceil(100_000 / 6));
    expect(g.lastIndex - g.firstIndex).toBeLessThanOrEqual(g.columns * (Math.ceil(600 / g.rowHeight) + 2 * 2 + 1));
    const deep = gridLayout({ ...base, scrollTop: 1_000_000 });
    expect(deep.firstIndex).toBeGreaterThan(20_000);
    expect(deep.lastIndex - deep.firstIndex).toBe(g.lastIndex - g.firstIndex + 2 * g.columns);
    expect(deep.totalHeight).toBe(g.rows * g.rowHeight - 8);
  });
  it('clamps at the end and handles empty or narrow grids', () => {
    const end = gridLayout({ ...base, count: 7, scrollTop: 5000 });
    expect(end.lastIndex).toBe(7);
    expect(gridLayout({ ...base, count: 0 }).lastIndex).toBe(0);
    expect(gridLayout({ ...base, width: 50 }).columns).toBe(1);
  });
});

describe('keyboard movement and scrolling', () => {
  it('moves by cells and rows within bounds', () => {
    expect(moveSelection(-1, 'ArrowRight', 5, 10)).toBe(0);
    expect(moveSelection(3, 'ArrowDown', 5, 10)).toBe(8);
    expect(moveSelection(8, 'ArrowDown', 5, 10)).toBe(9);
    expect(moveSelection(2, 'ArrowUp', 5, 10)).toBe(0);
    expect(moveSelection(4, 'End', 5, 10)).toBe(9);
    expect(moveSelection(4, 'x', 5, 10)).toBe(4);
    expect(moveSelection(0, 'ArrowRight', 5, 0)).toBe(-1);
  });
  it('scrolls just enough to reveal an item', () => {
    const l = { columns: 5, rowHeight: 200, cell: 192 };
    expect(scrollToReveal(0, l, 0, 600)).toBe(0);
    expect(scrollToReveal(15, l, 0, 600)).toBe(3 * 200 + 192 - 600);
    expect(scrollToReveal(0, l, 400, 600)).toBe(0);
  });
});

describe('format', () => {
  it('formats durations and splits label lists', () => {
    expect(formatDuration(75)).toBe('1 min 15 s');
    expect(formatDuration(null)).toBe('—');
    expect(splitLabels('red, green\nblue,,red ')).toEqual(['red', 'green', 'blue']);
  });
});
