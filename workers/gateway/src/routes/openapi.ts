import { OpenAPIHono } from "@hono/zod-openapi";
import { API_TAGS, PUBLIC_API } from "#lib/contracts/api/index.ts";

let document: ReturnType<OpenAPIHono["getOpenAPI31Document"]> | undefined;

/** The OpenAPI 3.1 document of the public API, built from the same route contracts the Workers serve. */
export function openApiDocument() {
  if (document) return document;
  const registry = new OpenAPIHono();
  registry.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "The access token from `login` or `refreshTokens`.",
  });
  for (const { tag, routes } of PUBLIC_API) {
    for (const route of routes) registry.openAPIRegistry.registerPath({ ...route, tags: [tag] });
  }
  document = registry.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "Marketplace API",
      version: "1.0.0",
      description:
        "A multi-vendor marketplace. Errors are RFC 9457 problem+json whose `type` is one of `/problems/<slug>` " +
        "(each listed per response; `GET` one for its description). Lists are cursor-paginated. " +
        "`x-access` names who may call each route.",
      contact: { name: "Marketplace API maintainers", url: "http://localhost:8787/api/docs" },
    },
    servers: [
      { url: "http://localhost:8787", description: "Local gateway, started by npm run dev (PORT changes the port)" },
    ],
    tags: Object.entries(API_TAGS).map(([name, description]) => ({ name, description })),
  });
  // OpenAPI 3.1's SPDX `identifier`, which the builder's (3.0) info type lacks: a private package, no licence to reuse.
  document.info.license = { name: "Proprietary", identifier: "LicenseRef-Proprietary" };
  return document;
}
