import { OpenAPIHono } from "@hono/zod-openapi";
import { PUBLIC_API } from "#lib/contracts/api/index.ts";

let document: ReturnType<OpenAPIHono["getOpenAPI31Document"]> | undefined;

/** The OpenAPI 3.1 document of the public API, built from the same route contracts the Workers serve. */
export function openApiDocument() {
  if (document) return document;
  const registry = new OpenAPIHono();
  registry.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
  });
  for (const { routes } of PUBLIC_API) for (const route of routes) registry.openAPIRegistry.registerPath(route);
  document = registry.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "Marketplace API",
      version: "1.0.0",
      description:
        "Errors are RFC 9457 problem+json. Lists are cursor-paginated. `x-access` names who may call each route.",
    },
  });
  return document;
}
