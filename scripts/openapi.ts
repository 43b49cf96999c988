// `npm run openapi`: writes the public API's OpenAPI document to reports/openapi.json
// (for `redocly lint` and client generators), built from the same contracts the gateway serves.
import { mkdirSync, writeFileSync } from "node:fs";
import { openApiDocument } from "../workers/gateway/src/routes/openapi.ts";

const out = process.argv[2] ?? "reports/openapi.json";
mkdirSync(new URL("../reports/", import.meta.url), { recursive: true });
writeFileSync(out, `${JSON.stringify(openApiDocument(), null, 2)}\n`);
console.log(`wrote ${out}`);
