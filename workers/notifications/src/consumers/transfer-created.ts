import { TransferCreated } from "#lib/contracts/events/payments.ts";
import type { Consumer } from "#lib/queue/consume.ts";
import { notifyVendor } from "../services/notify.ts";
import type { ConsumerContext } from "./context.ts";

export function onTransferCreated({ env, t }: ConsumerContext): Consumer<typeof TransferCreated> {
  return {
    event: TransferCreated,
    effect: ({ data }, db) =>
      notifyVendor(
        env,
        db,
        data.vendorId,
        () => t.vendorTransfer(data.transferId, data.subOrderId, data.amount, data.currency),
        { ...data },
      ),
  };
}
