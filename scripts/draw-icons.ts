import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';

/**
 * Draws the app icon and one tray icon per tray state into resources/icons/ as PNGs: shapes in a
 * unit square, sampled 4×4 per pixel for smooth edges, written with zlib. Run with `npm run icons`
 * after changing a shape or a colour; the PNGs are committed.
 */

type Rgba = readonly [number, number, number, number];
/** A shape: whether a point of the unit square (0..1, y down) is inside it. */
type Shape = (x: number, y: number) => boolean;
interface Layer {
  shape: Shape;
  color: Rgba | ((x: number, y: number) => Rgba);
}

const hex = (value: string, alpha = 255): Rgba => [
  Number.parseInt(value.slice(1, 3), 16),
  Number.parseInt(value.slice(3, 5), 16),
  Number.parseInt(value.slice(5, 7), 16),
  alpha,
];

const circle =
  (cx: number, cy: number, r: number): Shape =>
  (x, y) =>
    (x - cx) ** 2 + (y - cy) ** 2 <= r * r;

const ring = (cx: number, cy: number, outer: number, inner: number): Shape => {
  const inOuter = circle(cx, cy, outer);
  const inInner = circle(cx, cy, inner);
  return (x, y) => inOuter(x, y) && !inInner(x, y);
};

const roundedRect =
  (x0: number, y0: number, x1: number, y1: number, r: number): Shape =>
  (x, y) => {
    if (x < x0 || x > x1 || y < y0 || y > y1) return false;
    const dx = Math.max(x0 + r - x, 0, x - (x1 - r));
    const dy = Math.max(y0 + r - y, 0, y - (y1 - r));
    return dx * dx + dy * dy <= r * r;
  };

/** A line from (ax, ay) to (bx, by) with round ends, `width` thick. */
const stroke =
  (ax: number, ay: number, bx: number, by: number, width: number): Shape =>
  (x, y) => {
    const vx = bx - ax;
    const vy = by - ay;
    const t = Math.max(0, Math.min(1, ((x - ax) * vx + (y - ay) * vy) / (vx * vx + vy * vy)));
    return (x - ax - t * vx) ** 2 + (y - ay - t * vy) ** 2 <= (width / 2) ** 2;
  };

const triangle = (ax: number, ay: number, bx: number, by: number, cx: number, cy: number): Shape => {
  const side = (px: number, py: number, qx: number, qy: number, x: number, y: number) =>
    (qx - px) * (y - py) - (qy - py) * (x - px);
  return (x, y) => {
    const d1 = side(ax, ay, bx, by, x, y);
    const d2 = side(bx, by, cx, cy, x, y);
    const d3 = side(cx, cy, ax, ay, x, y);
    return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
  };
};

const union =
  (...shapes: Shape[]): Shape =>
  (x, y) =>
    shapes.some((shape) => shape(x, y));

/** An upward arrow centred on cx, from top to bottom. */
const upArrow = (cx: number, top: number, bottom: number, width: number): Shape =>
  union(
    stroke(cx, top + width, cx, bottom, width),
    triangle(cx, top - width * 0.2, cx - width * 1.6, top + width * 1.5, cx + width * 1.6, top + width * 1.5),
  );

function render(size: number, layers: readonly Layer[]): Buffer {
  const samples = 4;
  const pixels = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = (px + (sx + 0.5) / samples) / size;
          const y = (py + (sy + 0.5) / samples) / size;
          const top = layers.findLast((layer) => layer.shape(x, y));
          if (top === undefined) continue;
          const [cr, cg, cb, ca] = typeof top.color === 'function' ? top.color(x, y) : top.color;
          r += cr * ca;
          g += cg * ca;
          b += cb * ca;
          a += ca;
        }
      }
      const offset = (py * size + px) * 4;
      const n = samples * samples;
      pixels[offset] = a === 0 ? 0 : Math.round(r / a);
      pixels[offset + 1] = a === 0 ? 0 : Math.round(g / a);
      pixels[offset + 2] = a === 0 ? 0 : Math.round(b / a);
      pixels[offset + 3] = Math.round(a / n);
    }
  }
  return encodePng(size, size, pixels);
}

function encodePng(width: number, height: number, rgba: Buffer): Buffer {
  const rows = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    rows[y * (width * 4 + 1)] = 0; // filter: none
    rgba.copy(rows, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, deflate, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

const WHITE = hex('#ffffff');

/** A blue tile with an upload arrow rising from a tray, and a red recording dot. */
function appIcon(): Layer[] {
  const top = hex('#3b82f6');
  const bottom = hex('#1d4ed8');
  const gradient = (_x: number, y: number): Rgba => [
    Math.round(top[0] + (bottom[0] - top[0]) * y),
    Math.round(top[1] + (bottom[1] - top[1]) * y),
    Math.round(top[2] + (bottom[2] - top[2]) * y),
    255,
  ];
  return [
    { shape: roundedRect(0.06, 0.06, 0.94, 0.94, 0.2), color: gradient },
    { shape: upArrow(0.5, 0.24, 0.64, 0.09), color: WHITE },
    {
      shape: union(
        stroke(0.24, 0.62, 0.24, 0.76, 0.07),
        stroke(0.24, 0.76, 0.76, 0.76, 0.07),
        stroke(0.76, 0.76, 0.76, 0.62, 0.07),
      ),
      color: WHITE,
    },
    { shape: circle(0.77, 0.25, 0.1), color: WHITE },
    { shape: circle(0.77, 0.25, 0.075), color: hex('#ef4444') },
  ];
}

const TRAY: Record<string, () => Layer[]> = {
  idle: () => [
    { shape: circle(0.5, 0.5, 0.47), color: hex('#475569') },
    { shape: upArrow(0.5, 0.22, 0.78, 0.14), color: WHITE },
  ],
  uploading: () => [
    { shape: circle(0.5, 0.5, 0.47), color: hex('#2563eb') },
    { shape: upArrow(0.5, 0.22, 0.78, 0.14), color: WHITE },
  ],
  paused: () => [
    { shape: circle(0.5, 0.5, 0.47), color: hex('#d97706') },
    { shape: union(stroke(0.37, 0.3, 0.37, 0.7, 0.14), stroke(0.63, 0.3, 0.63, 0.7, 0.14)), color: WHITE },
  ],
  attention: () => [
    { shape: circle(0.5, 0.5, 0.47), color: hex('#dc2626') },
    { shape: union(stroke(0.5, 0.22, 0.5, 0.56, 0.15), circle(0.5, 0.76, 0.085)), color: WHITE },
  ],
  offline: () => [
    { shape: ring(0.5, 0.5, 0.47, 0.36), color: hex('#64748b') },
    { shape: upArrow(0.5, 0.28, 0.72, 0.11), color: hex('#64748b') },
    { shape: stroke(0.2, 0.2, 0.8, 0.8, 0.18), color: hex('#ffffff', 0) },
    { shape: stroke(0.22, 0.22, 0.78, 0.78, 0.1), color: hex('#64748b') },
  ],
};

const outDir = fileURLToPath(new URL('../resources/icons/', import.meta.url));
mkdirSync(outDir, { recursive: true });
const write = (name: string, png: Buffer) => {
  writeFileSync(join(outDir, name), png);
  console.log(`${name} ${png.length} bytes`);
};
write('icon.png', render(512, appIcon()));
for (const [state, layers] of Object.entries(TRAY)) {
  write(`tray-${state}.png`, render(16, layers()));
  write(`tray-${state}@2x.png`, render(32, layers()));
}
