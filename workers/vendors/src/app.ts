import { createApp } from "#lib/http/app.ts";
import { staffRoutes } from "./routes/staff.ts";
import { vendorRoutes } from "./routes/vendors.ts";

export const app = createApp<Env>("vendors").route("/", vendorRoutes).route("/", staffRoutes);
