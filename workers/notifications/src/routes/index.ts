import { createRoutes } from "#lib/http/app.ts";
import { inboxRoutes } from "./inbox.ts";
import { preferenceRoutes } from "./preferences.ts";

export const routes = createRoutes<Env>().route("/", inboxRoutes).route("/", preferenceRoutes);
