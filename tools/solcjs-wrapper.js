#!/usr/bin/env node
// Minimal `solc` command-line stand-in backed by solc-js (the npm "solc" package, WebAssembly).
//
// py-solc-x (and so brownie) only needs two calls:
//   solc --version                         -> a line "Version: X.Y.Z+commit.HASH..."
//   solc --standard-json [--allow-paths P] -> standard-JSON input on stdin, standard-JSON output on stdout
// Imports that are not in the input are read from disk: relative to the working directory, any
// --base-path / --include-path / --allow-paths folder, the project root and its node_modules/.
// (Remappings from the input's settings are applied by the compiler before the lookup.)
// Debugging: SOLCJS_WRAPPER_DUMP=/tmp/input.json saves the standard-JSON input actually compiled.
"use strict";

const fs = require("fs");
const path = require("path");

const projectRoot = path.resolve(__dirname, "..");
const solc = require(path.join(projectRoot, "node_modules", "solc"));

function usage(code) {
  process.stderr.write("usage: solcjs-wrapper.js --version | --standard-json [--allow-paths P] [--base-path P]\n");
  process.exit(code);
}

const args = process.argv.slice(2);
if (args.includes("--version") || args.includes("-v")) {
  process.stdout.write(`solc, the solidity compiler commandline interface (solc-js wrapper)\nVersion: ${solc.version()}\n`);
  process.exit(0);
}
if (!args.includes("--standard-json")) usage(2);

// Folders to search for imports, in order.
const searchDirs = [process.cwd()];
for (let i = 0; i < args.length; i++) {
  const flag = args[i];
  if (["--allow-paths", "--base-path", "--include-path"].includes(flag) && i + 1 < args.length) {
    for (const p of args[++i].split(",")) if (p) searchDirs.push(path.resolve(p));
  }
}
searchDirs.push(projectRoot, path.join(projectRoot, "node_modules"), path.join(process.cwd(), "node_modules"));

function findImports(importPath) {
  const candidates = path.isAbsolute(importPath)
    ? [importPath]
    : searchDirs.map((dir) => path.join(dir, importPath));
  for (const candidate of candidates) {
    try {
      if (fs.statSync(candidate).isFile()) return { contents: fs.readFileSync(candidate, "utf8") };
    } catch (_) {
      // not there: try the next folder
    }
  }
  return { error: `File not found: ${importPath} (searched ${searchDirs.join(", ")})` };
}

const chunks = [];
process.stdin.on("data", (chunk) => chunks.push(chunk));
process.stdin.on("end", () => {
  const input = Buffer.concat(chunks).toString("utf8");
  let output;
  try {
    const json = JSON.parse(input);
    // Sources given by "urls" (as crytic-compile/slither send them) are read from disk here:
    // solc-js, unlike native solc, does not load them itself.
    for (const [name, source] of Object.entries(json.sources || {})) {
      if (source.content === undefined && Array.isArray(source.urls)) {
        for (const url of [...source.urls, name]) {
          const found = findImports(url);
          if (found.contents !== undefined) {
            source.content = found.contents;
            delete source.urls;
            break;
          }
        }
      }
    }
    if (process.env.SOLCJS_WRAPPER_DUMP) fs.writeFileSync(process.env.SOLCJS_WRAPPER_DUMP, JSON.stringify(json, null, 1));
    output = solc.compile(JSON.stringify(json), { import: findImports });
  } catch (err) {
    output = JSON.stringify({
      errors: [
        {
          component: "general",
          formattedMessage: `solcjs-wrapper: ${err.message}`,
          message: `solcjs-wrapper: ${err.message}`,
          severity: "error",
          type: "JSONError",
        },
      ],
    });
  }
  process.stdout.write(output + "\n");
});
