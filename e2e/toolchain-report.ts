import { detectToolchain, toolchainReport } from "./engine";

// The last words of `npm run e2e:tools`: the engine's pieces found exactly as the engine checks find them (one
// implementation, engine.ts detectToolchain), so what it says present is what the e2e uses.
process.stdout.write(
    `${toolchainReport(detectToolchain(["kubernetes", "random"]), detectToolchain(["openstack", "command", "random"])).join("\n")}\n`,
);
