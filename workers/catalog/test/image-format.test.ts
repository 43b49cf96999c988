import { describe, expect, it } from "vitest";
import {
  EXTENDED_WEBP_3X2,
  JPEG_3X2,
  LOSSLESS_WEBP_3X2,
  PROGRESSIVE_JPEG_3X2,
  WEBP_3X2,
} from "../../../test/image-fixtures.ts";
import { crc32, readImage } from "../src/services/image-format.ts";

const ascii = (text: string) => new TextEncoder().encode(text);
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
};
const u32 = (n: number) => Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);

function chunk(type: string, data: Uint8Array, crc = crc32(concat(ascii(type), data))) {
  return concat(u32(data.length), ascii(type), data, u32(crc));
}

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
const ihdr = (width: number, height: number) => concat(u32(width), u32(height), Uint8Array.of(8, 6, 0, 0, 0));
const IDAT = chunk("IDAT", Uint8Array.of(0x78, 0xda, 0x63, 0x64, 0x60, 0xf8, 0x5f, 0x0f, 0x00, 0x02, 0x87, 0x01, 0x80));
const IEND = chunk("IEND", new Uint8Array());
const png = (width: number, height: number) => concat(SIGNATURE, chunk("IHDR", ihdr(width, height)), IDAT, IEND);

describe("PNG", () => {
  it("reads the dimensions from IHDR", () => {
    expect(readImage(png(640, 480))).toEqual({ ok: true, image: { type: "image/png", width: 640, height: 480 } });
  });

  it("refuses a signature followed by anything but chunks", () => {
    expect(readImage(concat(SIGNATURE, ascii("<html><script>alert(1)</script></html>"))).ok).toBe(false);
  });

  it("refuses a file cut short, one without image data, and data after IEND", () => {
    const whole = png(1, 1);
    expect(readImage(whole.slice(0, whole.length - 5)).ok).toBe(false);
    expect(readImage(concat(SIGNATURE, chunk("IHDR", ihdr(1, 1)), IEND)).ok).toBe(false);
    expect(readImage(concat(whole, ascii("<html></html>"))).ok).toBe(false);
  });

  it("refuses a damaged IHDR and dimensions of 0 or over 10000", () => {
    expect(readImage(concat(SIGNATURE, chunk("IHDR", ihdr(1, 1), 0), IDAT, IEND)).ok).toBe(false);
    expect(readImage(png(0, 10)).ok).toBe(false);
    expect(readImage(png(10_001, 10)).ok).toBe(false);
    expect(readImage(png(10_000, 10_000)).ok).toBe(true);
  });
});

describe("JPEG", () => {
  it("reads the dimensions of baseline and progressive frames", () => {
    expect(readImage(JPEG_3X2)).toEqual({ ok: true, image: { type: "image/jpeg", width: 3, height: 2 } });
    expect(readImage(PROGRESSIVE_JPEG_3X2)).toEqual({ ok: true, image: { type: "image/jpeg", width: 3, height: 2 } });
  });

  it("refuses a file cut short, one without a frame header, and HTML behind the start marker", () => {
    expect(readImage(JPEG_3X2.slice(0, JPEG_3X2.length - 10)).ok).toBe(false);
    expect(readImage(JPEG_3X2.slice(0, 140)).ok).toBe(false);
    expect(readImage(concat(Uint8Array.of(0xff, 0xd8, 0xff, 0xd9))).ok).toBe(false);
    expect(readImage(concat(Uint8Array.of(0xff, 0xd8, 0xff), ascii("<html></html>"))).ok).toBe(false);
  });
});

describe("WebP", () => {
  it("reads the dimensions of lossy, lossless and extended files", () => {
    for (const file of [WEBP_3X2, LOSSLESS_WEBP_3X2, EXTENDED_WEBP_3X2]) {
      expect(readImage(file)).toEqual({ ok: true, image: { type: "image/webp", width: 3, height: 2 } });
    }
  });

  it("refuses a file cut short, a RIFF size that disagrees with the file, and a broken VP8 start code", () => {
    expect(readImage(WEBP_3X2.slice(0, WEBP_3X2.length - 4)).ok).toBe(false);
    expect(readImage(concat(WEBP_3X2, ascii("<html></html>"))).ok).toBe(false);
    const broken = WEBP_3X2.slice();
    broken[23] = 0;
    expect(readImage(broken).ok).toBe(false);
  });
});

it("refuses anything else", () => {
  for (const text of ["", "<svg/>", "GIF89a", "RIFF\0\0\0\0WAVE"]) expect(readImage(ascii(text)).ok, text).toBe(false);
});
