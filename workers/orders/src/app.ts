import { createApp } from "../../../lib/http/app.ts";
import { cartRoutes } from "./routes/cart.ts";
import { orderRoutes } from "./routes/orders.ts";
import { vendorOrderRoutes } from "./routes/vendor-orders.ts";

export const app = createApp<Env>("orders").route("/", cartRoutes).route("/", orderRoutes).route("/", vendorOrderRoutes);
