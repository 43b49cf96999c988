import { createApp } from "#lib/http/app.ts";
import { authRoutes } from "./routes/auth.ts";

export const app = createApp<Env>("auth").route("/", authRoutes);
