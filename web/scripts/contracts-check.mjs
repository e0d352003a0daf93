#!/usr/bin/env node
/**
 * Fails when a file the web app generates from the api's exported contracts is not what
 * `npm run contracts` would generate now: each is regenerated into a temporary file and
 * compared byte for byte.
 *
 * - src/api/schema.d.ts from docs/contracts/openapi.json (openapi-typescript)
 * - src/events/event-catalog.gen.ts from docs/contracts/events.json (scripts/event-types.mjs)
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const web = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const show = (path) => relative(process.cwd(), path) || path;

const GENERATED = [
  {
    source: resolve(web, "../docs/contracts/openapi.json"),
    committed: resolve(web, "src/api/schema.d.ts"),
    generate: (out) => [resolve(web, "node_modules/openapi-typescript/bin/cli.js"), resolve(web, "../docs/contracts/openapi.json"), "-o", out],
  },
  {
    source: resolve(web, "../docs/contracts/events.json"),
    committed: resolve(web, "src/events/event-catalog.gen.ts"),
    generate: (out) => [resolve(web, "scripts/event-types.mjs"), "--out", out],
  },
];

/** Null when the committed file is current (or neither file exists yet), else what is wrong. */
function check({ source, committed, generate }, scratch) {
  if (!existsSync(source) && !existsSync(committed)) {
    console.log(`contracts:check: neither ${show(source)} nor ${show(committed)} exists yet; nothing to compare.`);
    return null;
  }
  if (!existsSync(source)) return `${show(committed)} exists but ${show(source)} does not. Export the contract from the api.`;
  if (!existsSync(committed)) return `${show(committed)} is missing. Run \`npm run contracts\` and commit it.`;
  const fresh = join(scratch, committed.split("/").at(-1));
  execFileSync(process.execPath, generate(fresh), { cwd: web, stdio: ["ignore", "ignore", "inherit"] });
  if (!readFileSync(fresh).equals(readFileSync(committed))) {
    return (
      `${show(committed)} is out of date with ${show(source)}.\n` +
      "Run `npm run contracts`, fix any type errors it reveals, and commit the result."
    );
  }
  console.log(`contracts:check: ${show(committed)} matches ${show(source)}.`);
  return null;
}

const scratch = mkdtempSync(join(tmpdir(), "multistream-contracts-"));
try {
  const problems = GENERATED.map((file) => check(file, scratch)).filter((problem) => problem !== null);
  for (const problem of problems) console.error(`contracts:check: ${problem}`);
  if (problems.length > 0) process.exitCode = 1;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
