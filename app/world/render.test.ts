import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { centralSquare, renderSceneRaw, sceneSvg } from './render.js';
import { sampleScene, type Scene } from './scene.js';

describe('render', () => {
  it('is deterministic and sized as asked, any aspect ratio', async () => {
    const s = sampleScene(9, 3);
    expect(sceneSvg(s, 120, 80)).toBe(sceneSvg(s, 120, 80));
    const a = await renderSceneRaw(s, 120, 80);
    const b = await renderSceneRaw(s, 120, 80);
    expect(a.width).toBe(120);
    expect(a.height).toBe(80);
    expect(a.data.length).toBe(120 * 80 * 3);
    expect(Buffer.compare(a.data, b.data)).toBe(0);
  });

  it('keeps every object inside the central square: outside it, the frame is the bare background', async () => {
    for (const [i, w, h] of [[1, 300, 160], [2, 160, 300], [3, 240, 130], [4, 130, 240], [5, 300, 160], [6, 160, 300]] as const) {
      const scene = sampleScene(77, i);
      const bare: Scene = { ...scene, groups: [] };
      const full = await renderSceneRaw(scene, w, h);
      const bg = await renderSceneRaw(bare, w, h);
      const sq = centralSquare(w, h);
      let outsideDiff = 0;
      let insideDiff = 0;
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++) {
          const inside = x >= sq.x && x < sq.x + sq.side && y >= sq.y && y < sq.y + sq.side;
          for (let c = 0; c < 3; c++) {
            const d = Math.abs((full.data[(y * w + x) * 3 + c] as number) - (bg.data[(y * w + x) * 3 + c] as number));
            if (inside) insideDiff = Math.max(insideDiff, d);
            else outsideDiff = Math.max(outsideDiff, d);
          }
        }
      expect(outsideDiff, `scene ${i} ${w}x${h}`).toBeLessThanOrEqual(2);
      expect(insideDiff).toBeGreaterThan(40); // the objects are there, and visible
    }
  });

  it('(control) the same check sees an object that pokes out of the square', async () => {
    const scene = sampleScene(77, 1);
    const g = scene.groups[0]!;
    const moved: Scene = { ...scene, groups: [{ ...g, objects: g.objects.map((o) => ({ ...o, x: 0.02 })) }] };
    const full = await renderSceneRaw(moved, 300, 160);
    const bg = await renderSceneRaw({ ...scene, groups: [] }, 300, 160);
    const sq = centralSquare(300, 160);
    let outsideDiff = 0;
    for (let y = 0; y < 160; y++)
      for (let x = 0; x < sq.x; x++) for (let c = 0; c < 3; c++) outsideDiff = Math.max(outsideDiff, Math.abs(full.data[(y * 300 + x) * 3 + c]! - bg.data[(y * 300 + x) * 3 + c]!));
    expect(outsideDiff).toBeGreaterThan(2);
  });

  it('draws objects in their colour at their place', async () => {
    // A lone large object: the pixel at its centre has its hue (red channel dominant for red, etc.).
    let checked = 0;
    for (let i = 0; checked < 6 && i < 200; i++) {
      const s = sampleScene(13, i);
      const g = s.groups[0];
      if (s.groups.length !== 1 || !g || g.size !== 'large' || !['red', 'green', 'blue'].includes(g.colour) || g.shape === 'cross') continue;
      const o = g.objects[0]!;
      const { data } = await sharp(Buffer.from(sceneSvg(s, 100, 100))).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      const at = (Math.round(o.y * 100) * 100 + Math.round(o.x * 100)) * 3;
      const rgb = [data[at]!, data[at + 1]!, data[at + 2]!];
      const channel = { red: 0, green: 1, blue: 2 }[g.colour as 'red' | 'green' | 'blue'];
      expect(Math.max(...rgb)).toBe(rgb[channel]);
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
  });
});
