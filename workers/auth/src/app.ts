import { createApp } from "#lib/http/app.ts";
import { authRoutes } from "./routes/auth.ts";
import { emailLinkRoutes } from "./routes/email-links.ts";

export const app = createApp<Env>("auth").route("/", authRoutes).route("/", emailLinkRoutes);
