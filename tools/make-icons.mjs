#!/usr/bin/env node
// Draws the desk's icons (no image library needed): a disc with a white fork — one flow splitting in two, 分流.
// Writes assets/icons/fenliu.png (512), fenliu.ico (16–256) and the tray icons tray-{ok,offline,attention}.png
// (16 px, plus @2x for high-DPI screens). Run again after changing a colour: node tools/make-icons.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'assets', 'icons');

const COLORS = { app: [31, 94, 196], ok: [31, 94, 196], offline: [128, 134, 145], attention: [217, 72, 15] };

function segmentDistance(px, py, ax, ay, bx, by) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** RGBA pixels of the icon at `size`, 4×4 supersampled. */
function render(size, [r, g, b]) {
  const pixels = Buffer.alloc(size * size * 4);
  const stroke = size <= 16 ? 0.085 : 0.07;
  const fork = [
    [0.5, 0.84, 0.5, 0.52],
    [0.5, 0.52, 0.29, 0.25],
    [0.5, 0.52, 0.71, 0.25],
  ];
  const samples = 4;
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      let disc = 0;
      let white = 0;
      for (let sy = 0; sy < samples; sy += 1) {
        for (let sx = 0; sx < samples; sx += 1) {
          const u = (x + (sx + 0.5) / samples) / size;
          const v = (y + (sy + 0.5) / samples) / size;
          if (Math.hypot(u - 0.5, v - 0.5) <= 0.48) {
            disc += 1;
            if (fork.some(([ax, ay, bx, by]) => segmentDistance(u, v, ax, ay, bx, by) <= stroke)) white += 1;
          }
        }
      }
      const n = samples * samples;
      const alpha = disc / n;
      const w = disc ? white / disc : 0;
      const i = (y * size + x) * 4;
      pixels[i] = Math.round(r + (255 - r) * w);
      pixels[i + 1] = Math.round(g + (255 - g) * w);
      pixels[i + 2] = Math.round(b + (255 - b) * w);
      pixels[i + 3] = Math.round(alpha * 255);
    }
  }
  return pixels;
}

function chunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

export function png(size, pixels) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y += 1) pixels.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** An .ico holding PNG images (Windows Vista and later read these). */
export function ico(images) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  let offset = 6 + images.length * 16;
  const entries = images.map(({ size, data }) => {
    const entry = Buffer.alloc(16);
    entry[0] = size >= 256 ? 0 : size;
    entry[1] = size >= 256 ? 0 : size;
    entry.writeUInt16LE(1, 4); // planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(data.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += data.length;
    return entry;
  });
  return Buffer.concat([header, ...entries, ...images.map((i) => i.data)]);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'fenliu.png'), png(512, render(512, COLORS.app)));
  const sizes = [16, 24, 32, 48, 64, 128, 256];
  writeFileSync(join(out, 'fenliu.ico'), ico(sizes.map((size) => ({ size, data: png(size, render(size, COLORS.app)) }))));
  for (const state of ['ok', 'offline', 'attention']) {
    writeFileSync(join(out, `tray-${state}.png`), png(16, render(16, COLORS[state])));
    writeFileSync(join(out, `tray-${state}@2x.png`), png(32, render(32, COLORS[state])));
  }
  console.log(`icons written to ${out}`);
}
