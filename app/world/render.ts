// Scene → SVG → pixels (sharp/librsvg). The background fills the whole frame; objects live in the
// frame's central square (indexing centre-crops to a square, so nothing may be cut off). Mild
// realism — slight rotation, shading, a soft shadow, texture, uneven light — keeps it a "photo",
// while staying cheap enough to render 100k small images in minutes.
import sharp, { type Sharp } from 'sharp';
import { createRng, type Rng } from './prng.js';
import type { Scene, SceneObject } from './scene.js';
import { COLOUR_HEX, type Background, type Colour, type Shape } from './vocabulary.js';

const f = (v: number): string => (Math.round(v * 1000) / 1000).toString();

function polygon(points: Array<[number, number]>): string {
  return `<polygon points="${points.map(([x, y]) => `${f(x)},${f(y)}`).join(' ')}"/>`;
}

function regular(n: number, r: number, phase: number): Array<[number, number]> {
  return Array.from({ length: n }, (_, i) => {
    const a = phase + (i * 2 * Math.PI) / n;
    return [r * Math.cos(a), r * Math.sin(a)] as [number, number];
  });
}

/** Each shape as SVG in a radius-1 box centred on the origin; sized so that their visual weight is alike. */
const SHAPE_SVG: Record<Shape, string> = {
  circle: '<circle r="0.92"/>',
  square: '<rect x="-0.78" y="-0.78" width="1.56" height="1.56"/>',
  triangle: polygon([[0, -0.98], [0.98, 0.72], [-0.98, 0.72]]),
  star: polygon(
    Array.from({ length: 10 }, (_, i) => {
      const a = -Math.PI / 2 + (i * Math.PI) / 5;
      const r = i % 2 === 0 ? 1 : 0.42;
      return [r * Math.cos(a), r * Math.sin(a) + 0.06] as [number, number];
    }),
  ),
  heart: '<path d="M0,0.9 C-0.35,0.62 -1,0.18 -1,-0.32 C-1,-0.78 -0.62,-0.98 -0.36,-0.98 C-0.14,-0.98 -0.02,-0.84 0,-0.66 C0.02,-0.84 0.14,-0.98 0.36,-0.98 C0.62,-0.98 1,-0.78 1,-0.32 C1,0.18 0.35,0.62 0,0.9 Z"/>',
  cross: polygon([[-0.3, -0.95], [0.3, -0.95], [0.3, -0.3], [0.95, -0.3], [0.95, 0.3], [0.3, 0.3], [0.3, 0.95], [-0.3, 0.95], [-0.3, 0.3], [-0.95, 0.3], [-0.95, -0.3], [-0.3, -0.3]]),
  diamond: polygon([[0, -1], [0.66, 0], [0, 1], [-0.66, 0]]),
  hexagon: polygon(regular(6, 0.96, 0)),
};

function shade(hex: string, amount: number): string {
  const n = parseInt(hex.slice(1), 16);
  const ch = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map((c) => Math.round(amount >= 0 ? c + (255 - c) * amount : c * (1 + amount)));
  return `#${ch.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}

function colourGradients(colours: readonly Colour[]): string {
  return colours.map((c) => {
    const base = COLOUR_HEX[c];
    return `<linearGradient id="c-${c}" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${shade(base, 0.14)}"/><stop offset="1" stop-color="${shade(base, -0.14)}"/></linearGradient>`;
  }).join('');
}

/** Background drawn in frame pixels (w × h); textures scale with the frame's short side. */
function backgroundSvg(bg: Background, w: number, h: number, rng: Rng): string {
  const s = Math.min(w, h);
  const grad = (id: string, stops: string[]): string =>
    `<linearGradient id="${id}" x1="0" y1="0" x2="0" y2="1">${stops.map((c, i) => `<stop offset="${f(i / (stops.length - 1))}" stop-color="${c}"/>`).join('')}</linearGradient>`;
  const fill = (id: string): string => `<rect width="${w}" height="${h}" fill="url(#${id})"/>`;
  const dots = (n: number, colours: string[], rMin: number, rMax: number, opacity: number): string =>
    Array.from({ length: n }, () => `<circle cx="${f(rng.range(0, w))}" cy="${f(rng.range(0, h))}" r="${f(rng.range(rMin, rMax) * s)}" fill="${rng.pick(colours)}" opacity="${opacity}"/>`).join('');
  switch (bg) {
    case 'sky': {
      const clouds = Array.from({ length: 2 + rng.int(3) }, () => {
        const cx = rng.range(0, w);
        const cy = rng.range(0, h);
        const r = rng.range(0.06, 0.11) * s;
        return `<g fill="#ffffff" opacity="0.85"><ellipse cx="${f(cx)}" cy="${f(cy)}" rx="${f(r * 2.2)}" ry="${f(r * 0.8)}"/><ellipse cx="${f(cx - r * 0.8)}" cy="${f(cy - r * 0.4)}" rx="${f(r * 1.1)}" ry="${f(r * 0.8)}"/><ellipse cx="${f(cx + r * 0.6)}" cy="${f(cy - r * 0.6)}" rx="${f(r * 1.2)}" ry="${f(r)}"/></g>`;
      }).join('');
      return `<defs>${grad('bg', ['#3f86d6', '#8cc4f0', '#c4e2fa'])}</defs>${fill('bg')}${clouds}`;
    }
    case 'grass': {
      const blades = Array.from({ length: 30 }, () => {
        const x = rng.range(0, w);
        const y = rng.range(0, h);
        const len = rng.range(0.03, 0.06) * s;
        return `<line x1="${f(x)}" y1="${f(y)}" x2="${f(x + rng.range(-0.3, 0.3) * len)}" y2="${f(y - len)}" stroke="${rng.pick(['#2f7a22', '#5fb041', '#3d8f2c', '#78c257'])}" stroke-width="${f(0.006 * s)}"/>`;
      }).join('');
      return `<defs>${grad('bg', ['#4f9e3a', '#3a8a2b', '#2f7424'])}</defs>${fill('bg')}${blades}`;
    }
    case 'sand':
      return `<defs>${grad('bg', ['#ecd6a4', '#dfc48c', '#d2b478'])}</defs>${fill('bg')}${dots(30, ['#c9a96b', '#f3e2bb', '#b8955a'], 0.004, 0.009, 0.7)}`;
    case 'water': {
      const waves = Array.from({ length: 8 }, () => {
        const y = rng.range(0, h);
        const x = rng.range(-0.2 * w, w);
        const len = rng.range(0.15, 0.35) * s;
        return `<path d="M${f(x)},${f(y)} q${f(len / 4)},${f(-0.02 * s)} ${f(len / 2)},0 t${f(len / 2)},0" fill="none" stroke="#9fd3f0" stroke-width="${f(0.008 * s)}" opacity="0.55"/>`;
      }).join('');
      return `<defs>${grad('bg', ['#1b5f8c', '#2675a6', '#3a8cbd'])}</defs>${fill('bg')}${waves}`;
    }
    case 'night':
      return `<defs>${grad('bg', ['#050a1f', '#0d1738', '#1c2752'])}</defs>${fill('bg')}${dots(25, ['#ffffff', '#fff6c8', '#cfd8ff'], 0.002, 0.005, 0.9)}`;
    case 'snow':
      return `<defs>${grad('bg', ['#dfe8f2', '#eef3f8', '#fafcff'])}</defs>${fill('bg')}<ellipse cx="${f(rng.range(0.2, 0.8) * w)}" cy="${f(h * 1.05)}" rx="${f(w * 0.7)}" ry="${f(h * 0.25)}" fill="#ffffff"/>${dots(20, ['#c8d4e2', '#b9c7d8'], 0.003, 0.006, 0.8)}`;
    case 'grey':
      return `<defs>${grad('bg', ['#9a9a9a', '#8c8c8c', '#7e7e7e'])}</defs>${fill('bg')}`;
    case 'sunset':
      return `<defs>${grad('bg', ['#8e5a9e', '#e07a6a', '#f6a65a', '#fbd38a'])}</defs>${fill('bg')}`;
  }
}

function objectSvg(o: SceneObject, shape: Shape, colour: Colour, side: number, ox: number, oy: number): string {
  const r = (o.size / 2) * side;
  const cx = ox + o.x * side;
  const cy = oy + o.y * side;
  const body = SHAPE_SVG[shape];
  const strokeW = f(0.05);
  const outline = shade(COLOUR_HEX[colour], colour === 'black' ? 0.25 : -0.35);
  // The shadow is the same shape, offset and translucent: a blur filter would cost more than the rest of the scene.
  return (
    `<g transform="translate(${f(cx + r * 0.1)},${f(cy + r * 0.13)}) rotate(${f(o.rotation)}) scale(${f(r)})" fill="#000000" opacity="0.22">${body}</g>` +
    `<g transform="translate(${f(cx)},${f(cy)}) rotate(${f(o.rotation)}) scale(${f(r)})" fill="url(#c-${colour})" stroke="${outline}" stroke-width="${strokeW}" stroke-linejoin="round">${body}</g>`
  );
}

/** Where the scene's unit square sits in a w × h frame: the central square. */
export function centralSquare(width: number, height: number): { x: number; y: number; side: number } {
  const side = Math.min(width, height);
  return { x: (width - side) / 2, y: (height - side) / 2, side };
}

/** The scene as an SVG document of `width` × `height` pixels. Deterministic. */
export function sceneSvg(scene: Scene, width: number, height: number): string {
  const rng = createRng(scene.styleSeed);
  const { x: ox, y: oy, side } = centralSquare(width, height);
  const bg = backgroundSvg(scene.background, width, height, rng);
  const objects = scene.groups.flatMap((g) => g.objects.map((o) => objectSvg(o, g.shape, g.colour, side, ox, oy))).join('');
  // Uneven light: a soft highlight somewhere and darker corners, as a lens would give.
  const defs =
    `<defs>${colourGradients([...new Set(scene.groups.map((g) => g.colour))])}<radialGradient id="hl" cx="${f(rng.range(0.2, 0.8))}" cy="${f(rng.range(0.2, 0.8))}" r="0.7"><stop offset="0" stop-color="#ffffff" stop-opacity="0.16"/><stop offset="1" stop-color="#ffffff" stop-opacity="0"/></radialGradient>` +
    `<radialGradient id="vg" cx="0.5" cy="0.5" r="0.75"><stop offset="0.6" stop-color="#000000" stop-opacity="0"/><stop offset="1" stop-color="#000000" stop-opacity="0.3"/></radialGradient></defs>`;
  const light = `<rect width="${width}" height="${height}" fill="url(#hl)"/><rect width="${width}" height="${height}" fill="url(#vg)"/>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${defs}${bg}${objects}${light}</svg>`;
}

/** A sharp pipeline holding the rendered scene (RGB, no alpha); encode it as you like. */
export function renderScene(scene: Scene, width: number, height: number): Sharp {
  return sharp(Buffer.from(sceneSvg(scene, width, height)), { density: 72 }).removeAlpha();
}

/** Raw RGB pixels (width × height × 3, row-major HWC) of the rendered scene. */
export async function renderSceneRaw(scene: Scene, width: number, height: number): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await renderScene(scene, width, height).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}
