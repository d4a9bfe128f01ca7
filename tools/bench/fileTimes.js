// Per-file wall time of the test suite, hooks included, written as JSON lines into the directory $BENCH_FILE_TIMES.
// This reporter serves serial runs (spec output plus the times); parallel runs use fileTimesHooks.js. Plain
// JavaScript: mocha loads it before any compiler could.
"use strict";
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS: mocha requires this file as it is */
const { appendFileSync } = require("fs");
const path = require("path");
const Mocha = require("mocha");
const { EVENT_SUITE_BEGIN, EVENT_SUITE_END } = Mocha.Runner.constants;

const now = () => Number(process.hrtime.bigint()) / 1e9;

function record(file, seconds, cpuSeconds) {
    const dir = process.env.BENCH_FILE_TIMES;
    if (!dir || !file) return;
    const row = { file: path.relative(process.cwd(), file), seconds, cpuSeconds };
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

module.exports = FileTimes;
FileTimes.record = record;
