import { app } from "./app.ts";

export { LoginThrottle } from "../../../durable-objects/login-throttle.ts";
export { RateLimiter } from "../../../durable-objects/rate-limiter.ts";

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
