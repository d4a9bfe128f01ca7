// Per-file wall time of the test suite, hooks included, written as JSON lines into the directory $BENCH_FILE_TIMES.
// As a reporter (serial runs: spec output plus the times) or as a root-hook plugin (--require, parallel runs: each
// file runs alone in a worker, so the root hooks bracket exactly one file). Plain JavaScript: mocha loads both before
// any compiler could.
"use strict";
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS: mocha requires this file as it is */
const { appendFileSync } = require("fs");
const path = require("path");
const Mocha = require("mocha");
const { EVENT_SUITE_BEGIN, EVENT_SUITE_END } = Mocha.Runner.constants;

const now = () => Number(process.hrtime.bigint()) / 1e9;

function record(file, seconds) {
    const dir = process.env.BENCH_FILE_TIMES;
    if (!dir || !file) return;
    const row = { file: path.relative(process.cwd(), file), seconds };
    appendFileSync(path.join(dir, `${process.pid}.jsonl`), `${JSON.stringify(row)}\n`);
}

/** Reporter: a file's span runs from its first top-level suite's start to its last one's end. */
class FileTimes extends Mocha.reporters.Spec {
    constructor(runner, options) {
        super(runner, options);
        let current;
        runner.on(EVENT_SUITE_BEGIN, (suite) => {
            if (!suite.file || suite.file === current?.file) return;
            if (current) record(current.file, current.end - current.start);
            current = { file: suite.file, start: now(), end: now() };
        });
        runner.on(EVENT_SUITE_END, (suite) => {
            if (current && suite.file === current.file) current.end = now();
        });
        runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
            if (current) record(current.file, current.end - current.start);
        });
    }
}

let started = 0;
FileTimes.mochaHooks = {
    beforeAll() {
        started = now();
    },
    afterAll() {
        const file = (this.test?.parent?.suites ?? []).map((s) => s.file).find(Boolean);
        record(file, now() - started);
    },
};

module.exports = FileTimes;
