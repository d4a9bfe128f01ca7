// Removes compiled files of dist/ whose TypeScript source is gone (renamed or deleted): tsc -b never removes them, and
// mocha would still run a test file that no longer exists. Plain JavaScript: it runs before anything is compiled.
"use strict";
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS: runs before anything is compiled */
const { existsSync, readdirSync, rmSync } = require("fs");
const path = require("path");

const root = path.join(__dirname, "..");
const dist = path.join(root, "dist");

function prune(dir) {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) {
            prune(file);
            if (readdirSync(file).length === 0) rmSync(file, { recursive: true });
        } else if (entry.name.endsWith(".js")) {
            const source = path.join(root, path.relative(dist, file)).replace(/\.js$/, ".ts");
            if (!existsSync(source)) rmSync(file);
        }
    }
}

if (existsSync(dist)) prune(dist);
// The record that dist/ matches the sources (components/shared/buildFreshness.ts) goes before tsc runs: a failed build leaves none,
// so the compiled program it left behind refuses to run instead of passing for current.
rmSync(path.join(dist, "build-info.json"), { force: true });
