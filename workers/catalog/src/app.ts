import { createApp } from "../../../lib/http/app.ts";
import { adminRoutes } from "./routes/admin.ts";
import { browseRoutes } from "./routes/browse.ts";
import { vendorProductRoutes } from "./routes/vendor-products.ts";

export const app = createApp<Env>("catalog").route("/", browseRoutes).route("/", vendorProductRoutes).route("/", adminRoutes);
