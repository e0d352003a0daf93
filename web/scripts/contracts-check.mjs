#!/usr/bin/env node
/**
 * Fails when src/api/schema.d.ts is not what `npm run contracts` would generate from
 * the api's exported contract (docs/contracts/openapi.json): regenerate into a
 * temporary file and compare byte for byte.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const web = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const spec = resolve(web, "../docs/contracts/openapi.json");
const committed = resolve(web, "src/api/schema.d.ts");
const show = (path) => relative(process.cwd(), path) || path;

if (!existsSync(spec) && !existsSync(committed)) {
  console.log(`contracts:check: neither ${show(spec)} nor ${show(committed)} exists yet; nothing to compare.`);
  process.exit(0);
}
if (!existsSync(spec)) {
  console.error(`contracts:check: ${show(committed)} exists but ${show(spec)} does not. Export the contract from the api.`);
  process.exit(1);
}
if (!existsSync(committed)) {
  console.error(`contracts:check: ${show(committed)} is missing. Run \`npm run contracts\` and commit it.`);
  process.exit(1);
}

const scratch = mkdtempSync(join(tmpdir(), "multistream-contracts-"));
try {
  const fresh = join(scratch, "schema.d.ts");
  const cli = resolve(web, "node_modules/openapi-typescript/bin/cli.js");
  execFileSync(process.execPath, [cli, spec, "-o", fresh], { cwd: web, stdio: ["ignore", "ignore", "inherit"] });
  if (!readFileSync(fresh).equals(readFileSync(committed))) {
    console.error(
      `contracts:check: ${show(committed)} is out of date with ${show(spec)}.\n` +
        "Run `npm run contracts`, fix any type errors it reveals, and commit the result.",
    );
    process.exit(1);
  }
  console.log(`contracts:check: ${show(committed)} matches ${show(spec)}.`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
