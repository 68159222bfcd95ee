// Bundle src/editor.js (CodeMirror 6 + the SPARQL mode) and src/stats.js (vega-embed + cytoscape.js
// for the /stats page) into minified IIFEs served from /static/vendor/: the pages load no script
// from a CDN at run time. Each page loads only its own bundle.
import { build } from "esbuild";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const outDir = join(here, "..", "pipeline", "dlkg", "web", "site", "static", "vendor");
mkdirSync(outDir, { recursive: true });

for (const name of ["editor", "stats"]) {
  await build({
    entryPoints: [join(here, "src", `${name}.js`)],
    bundle: true,
    minify: true,
    format: "iife",
    target: ["es2020"],
    outfile: join(outDir, `${name}.js`),
    legalComments: "eof",
    logLevel: "info",
  });
}
writeFileSync(
  join(outDir, "README.txt"),
  "Built by frontend/build.mjs (npm run build); not committed. See docs/web.md.\n",
);
