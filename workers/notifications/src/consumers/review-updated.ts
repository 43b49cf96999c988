import type { BatchItem } from "drizzle-orm/batch";
import { ReviewUpdated } from "#lib/contracts/events/reviews.ts";
import type { Consumer } from "#lib/queue/consume.ts";
import { notify, notifyVendor } from "../services/notify.ts";
import { userRecipient } from "../services/recipients.ts";
import { isNewer, keepSnapshot } from "../services/snapshots.ts";
import type { ConsumerContext } from "./context.ts";

/** The store hears of a visible review once; the reviewer hears of the store's reply once. */
export function onReviewUpdated({ env, t }: ConsumerContext): Consumer<typeof ReviewUpdated> {
  return {
    event: ReviewUpdated,
    async effect({ data }, db) {
      const { review, version } = data;
      if (!(await isNewer(db, "review", review.id, version))) return [];
      const statements: BatchItem<"sqlite">[] = [keepSnapshot(db, "review", review.id, version, review.userId, review)];
      if (!review.visible) return statements;
      statements.push(...(await notifyVendor(env, db, review.vendorId, () => t.vendorNewReview(review), { review })));
      if (review.reply)
        statements.push(
          ...(await notify(db, await userRecipient(env, review.userId), t.reviewReply(review, review.reply.body))),
        );
      return statements;
    },
  };
}
