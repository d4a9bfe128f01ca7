// Preloaded into measured processes: reports the process's peak resident memory when it exits.
process.on("exit", () => {
    process.stderr.write(`PEAK_KB=${process.resourceUsage().maxRSS}\n`);
});
