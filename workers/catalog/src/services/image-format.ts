import { type IMAGE_TYPES, MAX_IMAGE_SIDE } from "#lib/contracts/api/catalog.ts";

export type ImageType = (typeof IMAGE_TYPES)[number];
export interface ImageInfo {
  type: ImageType;
  width: number;
  height: number;
}
export type ImageCheck = { ok: true; image: ImageInfo } | { ok: false; reason: string };

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * What the bytes are, whatever the client claims: the container is walked from
 * its first byte to its last, so a file that only starts like an image (a
 * polyglot with HTML behind a signature, a truncated upload) is refused. The
 * pixels themselves are not decoded.
 */
export function readImage(bytes: Uint8Array): ImageCheck {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const result = PNG_SIGNATURE.every((b, i) => bytes[i] === b)
    ? readPng(bytes, view)
    : bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff
      ? readJpeg(bytes, view)
      : ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 12) === "WEBP"
        ? readWebp(bytes, view)
        : "it is not a PNG, JPEG or WebP image";
  if (typeof result === "string") return { ok: false, reason: result };
  const sane = (side: number) => side >= 1 && side <= MAX_IMAGE_SIDE;
  if (!sane(result.width) || !sane(result.height)) {
    return {
      ok: false,
      reason: `${result.width} × ${result.height} pixels is outside 1 to ${MAX_IMAGE_SIDE} per side`,
    };
  }
  return { ok: true, image: result };
}

/** Chunks from IHDR to IEND, nothing after it; IHDR's CRC is checked. */
function readPng(bytes: Uint8Array, view: DataView): ImageInfo | string {
  let header: { width: number; height: number } | undefined;
  let hasData = false;
  for (let at = 8; at + 12 <= bytes.length; ) {
    const length = view.getUint32(at);
    const type = ascii(bytes, at + 4, at + 8);
    const end = at + 12 + length;
    if (!/^[A-Za-z]{4}$/.test(type)) return "the PNG has a malformed chunk";
    if (end > bytes.length) return "the PNG is cut short";
    if (!header) {
      if (type !== "IHDR" || length !== 13) return "the PNG does not start with its IHDR chunk";
      if (view.getUint32(end - 4) !== crc32(bytes.subarray(at + 4, end - 4))) return "the PNG's IHDR chunk is damaged";
      header = { width: view.getUint32(at + 8), height: view.getUint32(at + 12) };
    }
    if (type === "IDAT") hasData = true;
    if (type === "IEND") {
      if (end !== bytes.length) return "data follows the PNG's end";
      if (!hasData) return "the PNG has no image data";
      return { type: "image/png", ...header };
    }
    at = end;
  }
  return "the PNG is cut short";
}

// Start-of-frame markers that carry the dimensions (C4, C8 and CC are other segments).
const START_OF_FRAME = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/** Segments up to the first scan, a frame header among them, and the end-of-image marker last. */
function readJpeg(bytes: Uint8Array, view: DataView): ImageInfo | string {
  let frame: { width: number; height: number } | undefined;
  for (let at = 2; at + 4 <= bytes.length; ) {
    if (view.getUint8(at) !== 0xff) return "the JPEG has a malformed segment";
    const marker = view.getUint8(at + 1);
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    if (marker === 0xd8 || marker === 0xd9) return "the JPEG ends before its image data";
    const length = view.getUint16(at + 2);
    const end = at + 2 + length;
    if (length < 2 || end > bytes.length) return "the JPEG is cut short";
    if (START_OF_FRAME.has(marker)) {
      if (length < 8) return "the JPEG's frame header is malformed";
      frame = { height: view.getUint16(at + 5), width: view.getUint16(at + 7) };
    }
    if (marker === 0xda) {
      if (!frame) return "the JPEG has no frame header";
      if (end + 2 > bytes.length || bytes[bytes.length - 2] !== 0xff || bytes[bytes.length - 1] !== 0xd9)
        return "the JPEG is cut short";
      return { type: "image/jpeg", ...frame };
    }
    at = end;
  }
  return "the JPEG is cut short";
}

/** RIFF chunks filling exactly the declared size: VP8X's canvas, or the one VP8 / VP8L bitstream. */
function readWebp(bytes: Uint8Array, view: DataView): ImageInfo | string {
  if (view.getUint32(4, true) + 8 !== bytes.length)
    return "the WebP's size does not match the file (cut short or followed by other data)";
  let canvas: { width: number; height: number } | undefined;
  let bitstream: { width: number; height: number } | undefined;
  let animated = false;
  let at = 12;
  while (at + 8 <= bytes.length) {
    const fourcc = ascii(bytes, at, at + 4);
    const size = view.getUint32(at + 4, true);
    const data = at + 8;
    const end = data + size + (size % 2);
    if (end > bytes.length) return "the WebP is cut short";
    if (at === 12 && !["VP8 ", "VP8L", "VP8X"].includes(fourcc)) return "the WebP does not start with an image chunk";
    if (fourcc === "VP8X") {
      if (at !== 12 || size < 10) return "the WebP's VP8X chunk is malformed";
      canvas = { width: 1 + uint24(view, data + 4), height: 1 + uint24(view, data + 7) };
    } else if (fourcc === "VP8 " && !bitstream) {
      if (
        size < 10 ||
        view.getUint8(data + 3) !== 0x9d ||
        view.getUint8(data + 4) !== 0x01 ||
        view.getUint8(data + 5) !== 0x2a
      ) {
        return "the WebP's VP8 bitstream is malformed";
      }
      bitstream = { width: view.getUint16(data + 6, true) & 0x3fff, height: view.getUint16(data + 8, true) & 0x3fff };
    } else if (fourcc === "VP8L" && !bitstream) {
      const bits = size >= 5 ? view.getUint32(data + 1, true) : 0;
      if (size < 5 || view.getUint8(data) !== 0x2f || bits >>> 29 !== 0)
        return "the WebP's VP8L bitstream is malformed";
      bitstream = { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
    } else if (fourcc === "ANMF") {
      animated = true;
    }
    at = end;
  }
  if (at !== bytes.length) return "the WebP is cut short";
  if (canvas && (bitstream || animated)) return { type: "image/webp", ...canvas };
  if (!canvas && bitstream) return { type: "image/webp", ...bitstream };
  return "the WebP has no image data";
}

function ascii(bytes: Uint8Array, from: number, to: number): string {
  return String.fromCharCode(...bytes.subarray(from, to));
}

function uint24(view: DataView, at: number): number {
  return view.getUint8(at) | (view.getUint8(at + 1) << 8) | (view.getUint8(at + 2) << 16);
}

let crcTable: Uint32Array | undefined;

/** CRC-32 as PNG computes it over a chunk's type and data. */
export function crc32(bytes: Uint8Array): number {
  crcTable ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (crcTable[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
