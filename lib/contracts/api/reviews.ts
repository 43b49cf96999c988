import { z } from "@hono/zod-openapi";
import { apiRoute, IdParam, jsonBody, jsonResponse, Page, PageQuery, problems } from "./route.ts";

/** An author edits a review for this many days after writing it. */
export const REVIEW_EDIT_DAYS = 30;

const Rating = z.number().int().min(1).max(5);
const Title = z.string().trim().min(1).max(120);
const Body = z.string().trim().min(1).max(5000);

export const ReviewReply = z
  .object({ body: z.string(), at: z.string() })
  .nullable()
  .openapi("ReviewReply", { description: "The store's one answer, or null" });

export const Review = z
  .object({
    id: z.string(),
    productId: z.string(),
    rating: Rating,
    title: z.string(),
    body: z.string(),
    authorName: z.string().openapi({ description: "The author's profile name when the review was last written" }),
    createdAt: z.string(),
    updatedAt: z.string(),
    reply: ReviewReply,
  })
  .openapi("Review");
export type Review = z.infer<typeof Review>;

export const ReviewStatus = z.enum(["visible", "hidden"]);
export type ReviewStatus = z.infer<typeof ReviewStatus>;

/** What the store and administrators see: the public review with its moderation state. */
export const ModeratedReview = Review.extend({
  status: ReviewStatus,
  reportCount: z.number().int(),
  hiddenReason: z.string().nullable(),
}).openapi("ModeratedReview");
export type ModeratedReview = z.infer<typeof ModeratedReview>;

export const RatingSummary = z
  .object({
    rating: z.number().openapi({ description: "Average of the visible reviews, two decimals; 0 with none" }),
    count: z.number().int(),
    histogram: z.object({
      1: z.number().int(),
      2: z.number().int(),
      3: z.number().int(),
      4: z.number().int(),
      5: z.number().int(),
    }),
  })
  .openapi("RatingSummary");
export type RatingSummary = z.infer<typeof RatingSummary>;

export const ReviewSort = z.enum(["newest", "rating_desc", "rating_asc"]);
export type ReviewSort = z.infer<typeof ReviewSort>;

export const ReviewInput = z.strictObject({ rating: Rating, title: Title, body: Body }).openapi("ReviewInput");
export type ReviewInput = z.infer<typeof ReviewInput>;

export const ReviewPatch = z
  .strictObject({ rating: Rating.optional(), title: Title.optional(), body: Body.optional() })
  .refine((patch) => Object.keys(patch).length > 0, "Change at least one field.")
  .openapi("ReviewPatch");
export type ReviewPatch = z.infer<typeof ReviewPatch>;

const Reason = z.string().trim().min(1).max(500);

export const listProductReviews = apiRoute({
  method: "get",
  path: "/api/v1/products/{id}/reviews",
  "x-access": "anonymous",
  "x-cache-seconds": 30,
  summary: "A product's visible reviews and its rating summary",
  operationId: "listProductReviews",
  description:
    "Lists a product's visible reviews (newest first, or by rating) with the average, count and 1–5 histogram of all its visible reviews. A product without reviews answers an empty page.",
  request: { params: IdParam, query: PageQuery.extend({ sort: ReviewSort.default("newest") }) },
  responses: {
    200: jsonResponse(Page(Review).extend({ summary: RatingSummary }), "A page of reviews and the summary"),
  },
});

export const createReview = apiRoute({
  method: "post",
  path: "/api/v1/products/{id}/reviews",
  "x-access": "customer",
  summary: "Review a product the caller received",
  operationId: "createReview",
  description:
    "Writes the caller's review of a product; only a shopper with a delivered purchase of it may, once per product.",
  request: { params: IdParam, ...jsonBody(ReviewInput) },
  responses: {
    201: jsonResponse(Review, "The review"),
    403: problems("The caller has no delivered purchase of the product", "purchase-required"),
    404: { description: "No such product" },
    409: problems("The caller already reviewed this product", "review-exists", "edit-conflict"),
  },
});

export const updateReview = apiRoute({
  method: "patch",
  path: "/api/v1/reviews/{id}",
  "x-access": "customer",
  summary: "Edit the caller's own review",
  operationId: "updateReview",
  description: `Edits the caller's review within ${REVIEW_EDIT_DAYS} days of writing it.`,
  request: { params: IdParam, ...jsonBody(ReviewPatch) },
  responses: {
    200: jsonResponse(Review, "The review"),
    404: { description: "No such review of the caller's" },
    409: problems("The edit window has closed, or the review changed meanwhile", "edit-window-closed", "edit-conflict"),
  },
});

export const reportReview = apiRoute({
  method: "post",
  path: "/api/v1/reviews/{id}/report",
  "x-access": "customer",
  summary: "Report a review to the moderators",
  operationId: "reportReview",
  description: "Reports a visible review; one report per user and review counts, and reporting again answers the same.",
  request: { params: IdParam, ...jsonBody(z.strictObject({ reason: Reason })) },
  responses: {
    202: jsonResponse(z.object({ reviewId: z.string(), reported: z.literal(true) }), "The report is recorded"),
    404: { description: "No such visible review" },
  },
});

export const listVendorReviews = apiRoute({
  method: "get",
  path: "/api/v1/vendor/reviews",
  "x-access": "vendor",
  summary: "Reviews of the store's products, newest first",
  operationId: "listVendorReviews",
  description: "Lists the reviews of the caller's store's products, hidden ones included, newest first.",
  request: { query: PageQuery },
  responses: { 200: jsonResponse(Page(ModeratedReview), "A page of reviews") },
});

export const replyToReview = apiRoute({
  method: "post",
  path: "/api/v1/vendor/reviews/{id}/reply",
  "x-access": "vendor",
  summary: "Answer a review of the store's product, once",
  operationId: "replyToReview",
  description: "Adds the store's public answer to a review of one of its products; a review gets one answer.",
  request: { params: IdParam, ...jsonBody(z.strictObject({ body: Body })) },
  responses: {
    201: jsonResponse(ModeratedReview, "The review with its answer"),
    404: { description: "No such review of the store's products" },
    409: problems("The review already has an answer", "reply-exists", "edit-conflict"),
  },
});

export const adminListReviews = apiRoute({
  method: "get",
  path: "/api/v1/admin/reviews",
  "x-access": "admin",
  summary: "The moderation queue: reported, hidden or visible reviews",
  operationId: "adminListReviews",
  description:
    "Lists reviews by moderation state: `reported` (visible with reports, most reported first), `hidden` or `visible` (newest first).",
  request: { query: PageQuery.extend({ status: z.enum(["reported", "hidden", "visible"]).default("reported") }) },
  responses: { 200: jsonResponse(Page(ModeratedReview), "A page of reviews") },
});

const Moderation = z.strictObject({ reason: Reason });

export const hideReview = apiRoute({
  method: "post",
  path: "/api/v1/admin/reviews/{id}/hide",
  "x-access": "admin",
  summary: "Hide a review from the product page and its rating",
  operationId: "hideReview",
  description: "Hides a visible review: it leaves the product's page, its rating and the store's rating.",
  request: { params: IdParam, ...jsonBody(Moderation) },
  responses: {
    200: jsonResponse(ModeratedReview, "The hidden review"),
    404: { description: "No such review" },
    409: problems("The review is hidden already, or changed meanwhile", "conflict", "edit-conflict"),
  },
});

export const restoreReview = apiRoute({
  method: "post",
  path: "/api/v1/admin/reviews/{id}/restore",
  "x-access": "admin",
  summary: "Show a hidden review again",
  operationId: "restoreReview",
  description: "Shows a hidden review again; its reports are dismissed, so it leaves the reported queue.",
  request: { params: IdParam, ...jsonBody(Moderation) },
  responses: {
    200: jsonResponse(ModeratedReview, "The visible review"),
    404: { description: "No such review" },
    409: problems("The review is visible already, or changed meanwhile", "conflict", "edit-conflict"),
  },
});

export const reviewsRoutes = [
  listProductReviews,
  createReview,
  updateReview,
  reportReview,
  listVendorReviews,
  replyToReview,
  adminListReviews,
  hideReview,
  restoreReview,
];
