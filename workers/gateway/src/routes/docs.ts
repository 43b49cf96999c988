// Swagger UI's browser bundle and stylesheet from the installed package, so /api/docs needs no CDN.
// wrangler.toml's `rules` import them as text into the gateway's bundle (about 1.9 MB, 0.5 MB
// gzipped): no asset pipeline or copy step, and the version is the one the lockfile pins.
import { Hono } from "hono";
import stylesheet from "swagger-ui-dist/swagger-ui.css";
import script from "swagger-ui-dist/swagger-ui-bundle.js";
import { PROBLEM_TABLE, type ProblemSlug } from "#lib/http/problem.ts";

const SCRIPT_PATH = "/api/docs/swagger-ui-bundle.js";
const STYLESHEET_PATH = "/api/docs/swagger-ui.css";
const INIT_PATH = "/api/docs/init.js";
const CACHE = "public, max-age=3600";

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Marketplace API</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${SCRIPT_PATH}"></script>
<script src="${INIT_PATH}"></script>
</body>
</html>
`;

// A script file rather than an inline one, so the page works under a strict Content-Security-Policy.
const INIT = `window.ui = SwaggerUIBundle({ url: "/api/openapi.json", dom_id: "#swagger-ui", deepLinking: true });\n`;

/** The API reference and the problem types' descriptions, served by the gateway itself. */
export const docs = new Hono()
  .get("/api/docs", (c) => c.html(PAGE))
  .get(SCRIPT_PATH, (c) =>
    c.body(script, 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": CACHE }),
  )
  .get(INIT_PATH, (c) =>
    c.body(INIT, 200, { "content-type": "text/javascript; charset=utf-8", "cache-control": CACHE }),
  )
  .get(STYLESHEET_PATH, (c) =>
    c.body(stylesheet, 200, { "content-type": "text/css; charset=utf-8", "cache-control": CACHE }),
  )
  .get("/problems/:slug", (c, next) => {
    const slug = c.req.param("slug");
    if (!Object.hasOwn(PROBLEM_TABLE, slug)) return next();
    const { status, title, description } = PROBLEM_TABLE[slug as ProblemSlug];
    return c.json({ type: `/problems/${slug}`, title, status, description }, 200, { "cache-control": CACHE });
  });

/** The routes above, for the gateway's access-policy table. */
export const DOCS_ROUTES = [
  { method: "GET", path: "/api/docs" },
  { method: "GET", path: SCRIPT_PATH },
  { method: "GET", path: INIT_PATH },
  { method: "GET", path: STYLESHEET_PATH },
  { method: "GET", path: "/problems/{slug}" },
] as const;
