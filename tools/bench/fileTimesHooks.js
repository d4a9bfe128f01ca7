// Per-file wall and CPU time in parallel runs (mocha --parallel --require this): each file runs alone in a worker, so
// the root hooks bracket exactly one file, its hooks included (not the loading of its modules, which happens before).
// The worker's CPU time is the steadier figure while other processes share the machine. Written like fileTimes.js
// (the serial runs' reporter).
"use strict";
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS: mocha requires this file as it is */
const { record } = require("./fileTimes");

const now = () => Number(process.hrtime.bigint()) / 1e9;
let started = 0;
let cpu = process.cpuUsage();
exports.mochaHooks = {
    beforeAll() {
        started = now();
        cpu = process.cpuUsage();
    },
    afterAll() {
        const file = (this.test?.parent?.suites ?? []).map((s) => s.file).find(Boolean);
        const used = process.cpuUsage(cpu);
        record(file, now() - started, (used.user + used.system) / 1e6);
    },
};
