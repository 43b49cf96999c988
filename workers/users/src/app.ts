import { createApp } from "../../../lib/http/app.ts";
import { meRoutes } from "./routes/me.ts";

export const app = createApp<Env>("users").route("/", meRoutes);
