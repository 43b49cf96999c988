import { count, eq } from "drizzle-orm";
import type { DrizzleD1Database } from "drizzle-orm/d1";
import { MAX_IMAGE_BYTES, type ProductImage } from "#lib/contracts/api/catalog.ts";
import { newId } from "#lib/contracts/ids.ts";
import { ProblemError } from "#lib/http/problem.ts";
import { images } from "../db/schema.ts";
import { readImage } from "./image-format.ts";
import { imageUrl, ownProduct } from "./products.ts";

export const MAX_IMAGES_PER_PRODUCT = 10;

export async function uploadImage(
  db: DrizzleD1Database,
  bucket: R2Bucket,
  vendorId: string,
  productId: string,
  declared: string,
  body: ArrayBuffer,
): Promise<ProductImage> {
  await ownProduct(db, vendorId, productId);
  if (body.byteLength > MAX_IMAGE_BYTES) throw new ProblemError(413, `Images are at most ${MAX_IMAGE_BYTES} bytes.`);
  const read = readImage(new Uint8Array(body));
  if (!read.ok)
    throw new ProblemError(415, `Send a well-formed PNG, JPEG or WebP image: ${read.reason}.`, {
      type: "image-refused",
    });
  const { type: contentType, width, height } = read.image;
  if (contentType !== declared.split(";")[0]?.trim().toLowerCase()) {
    throw new ProblemError(415, `The body is ${contentType}; send it with that Content-Type.`, {
      type: "image-refused",
    });
  }
  const [held] = await db.select({ n: count() }).from(images).where(eq(images.productId, productId));
  const position = held?.n ?? 0;
  if (position >= MAX_IMAGES_PER_PRODUCT)
    throw new ProblemError(409, `A product has at most ${MAX_IMAGES_PER_PRODUCT} images.`, { type: "limit-reached" });
  const id = newId("image");
  const r2Key = `products/${productId}/${id}`;
  await bucket.put(r2Key, body, { httpMetadata: { contentType } });
  try {
    const createdAt = new Date().toISOString();
    await db.insert(images).values({
      id,
      productId,
      vendorId,
      r2Key,
      contentType,
      bytes: body.byteLength,
      width,
      height,
      position,
      createdAt,
    });
  } catch (error) {
    await bucket.delete(r2Key);
    throw error;
  }
  return { id, url: imageUrl(id), contentType, width, height };
}

export async function imageResponse(db: DrizzleD1Database, bucket: R2Bucket, id: string): Promise<Response> {
  const [row] = await db.select().from(images).where(eq(images.id, id));
  const object = row ? await bucket.get(row.r2Key) : null;
  if (!row || !object) throw new ProblemError(404, "No such image.");
  return new Response(object.body, {
    headers: {
      "content-type": row.contentType,
      // Vendors upload these bytes: a browser must never sniff them into HTML or run anything they hold.
      "x-content-type-options": "nosniff",
      "content-security-policy": "default-src 'none'; sandbox",
      "cache-control": "public, max-age=86400, immutable",
      etag: object.httpEtag,
    },
  });
}
