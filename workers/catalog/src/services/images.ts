import { and, count, eq } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { IMAGE_TYPES, MAX_IMAGE_BYTES } from "../../../../lib/contracts/api/catalog.ts";
import { newId } from "../../../../lib/contracts/ids.ts";
import { ProblemError } from "../../../../lib/http/problem.ts";
import { images } from "../db/schema.ts";
import { imageUrl, ownProduct } from "./products.ts";

export const MAX_IMAGES_PER_PRODUCT = 10;

type ImageType = (typeof IMAGE_TYPES)[number];

/** What the bytes are, from their signature, whatever the client claims. */
export function sniffImageType(bytes: Uint8Array): ImageType | undefined {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return "image/png";
  if (starts(0xff, 0xd8, 0xff)) return "image/jpeg";
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.slice(from, to));
  if (ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return "image/webp";
  return undefined;
}

export async function uploadImage(
  db: DrizzleD1Database,
  bucket: R2Bucket,
  vendorId: string,
  productId: string,
  contentType: string,
  body: ArrayBuffer,
) {
  await ownProduct(db, vendorId, productId);
  if (body.byteLength > MAX_IMAGE_BYTES) throw new ProblemError(413, `Images are at most ${MAX_IMAGE_BYTES} bytes.`);
  const sniffed = sniffImageType(new Uint8Array(body));
  const declared = contentType.split(";")[0]?.trim().toLowerCase();
  if (!sniffed || sniffed !== declared) throw new ProblemError(415, "Send a PNG, JPEG or WebP image with its matching Content-Type.");
  const [held] = await db.select({ n: count() }).from(images).where(eq(images.productId, productId));
  const position = held?.n ?? 0;
  if (position >= MAX_IMAGES_PER_PRODUCT) throw new ProblemError(409, `A product has at most ${MAX_IMAGES_PER_PRODUCT} images.`);
  const id = newId("image");
  const r2Key = `products/${productId}/${id}`;
  await bucket.put(r2Key, body, { httpMetadata: { contentType: sniffed } });
  try {
    await db.insert(images).values({ id, productId, vendorId, r2Key, contentType: sniffed, bytes: body.byteLength, position, createdAt: new Date().toISOString() });
  } catch (error) {
    await bucket.delete(r2Key);
    throw error;
  }
  return { id, url: imageUrl(id), contentType: sniffed };
}

export async function imageResponse(db: DrizzleD1Database, bucket: R2Bucket, id: string): Promise<Response> {
  const [row] = await db.select().from(images).where(and(eq(images.id, id)));
  const object = row ? await bucket.get(row.r2Key) : null;
  if (!row || !object) throw new ProblemError(404, "No such image.");
  return new Response(object.body, {
    headers: { "content-type": row.contentType, "cache-control": "public, max-age=86400, immutable", etag: object.httpEtag },
  });
}
