import { createRoutes } from "#lib/http/app.ts";

/**
 * Public routes: declare each in lib/contracts/api/notifications.ts with `apiRoute` (method, path, operationId,
 * summary, description, schemas, `x-access`), add it to PUBLIC_API with its tag, then implement it here with `.openapi(route, handler)`.
 */
export const routes = createRoutes<Env>();
