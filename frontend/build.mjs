// Bundle src/editor.js (CodeMirror 6 + the SPARQL mode) into one minified IIFE served from
// /static/vendor/editor.js: the query UI loads no script from a CDN at run time.
import { build } from "esbuild";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, "..", "pipeline", "dlkg", "web", "site", "static", "vendor");
mkdirSync(outDir, { recursive: true });

await build({
  entryPoints: [join(here, "src", "editor.js")],
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020"],
  outfile: join(outDir, "editor.js"),
  legalComments: "eof",
  logLevel: "info",
});
writeFileSync(
  join(outDir, "README.txt"),
  "Built by frontend/build.mjs (npm run build); not committed. See docs/web.md.\n",
);
