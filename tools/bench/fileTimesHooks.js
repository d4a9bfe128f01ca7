// Per-file wall time in parallel runs (mocha --parallel --require this): each file runs alone in a worker, so the
// root hooks bracket exactly one file, its hooks included. Written like fileTimes.js (the serial runs' reporter).
"use strict";
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS: mocha requires this file as it is */
const { record } = require("./fileTimes");

const now = () => Number(process.hrtime.bigint()) / 1e9;
let started = 0;
exports.mochaHooks = {
    beforeAll() {
        started = now();
    },
    afterAll() {
        const file = (this.test?.parent?.suites ?? []).map((s) => s.file).find(Boolean);
        record(file, now() - started);
    },
};
