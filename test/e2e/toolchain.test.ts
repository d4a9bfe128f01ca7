// The e2e's engine checks run only with the whole toolchain, found the way the engine finds it; otherwise they skip
// naming exactly what is missing (PULUMI_HOME and PATH respected, plugin versions from the lockfile).
import { strict as assert } from "assert";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { detectToolchain, lockfileVersions } from "../../e2e/engine";

function executable(file: string): void {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, "#!/bin/sh\n");
    chmodSync(file, 0o755);
}

describe("e2e engine toolchain detection", () => {
    const saved = {
        PATH: process.env.PATH,
        PULUMI_HOME: process.env.PULUMI_HOME,
        E2E_CACHE: process.env.E2E_CACHE,
    };
    let dir: string;
    beforeEach(() => {
        dir = mkdtempSync(path.join(tmpdir(), "toolchain-"));
    });
    afterEach(() => {
        for (const [k, v] of Object.entries(saved)) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        }
        rmSync(dir, { recursive: true, force: true });
    });

    it("asks for the plugin versions package-lock.json pins", () => {
        const v = lockfileVersions();
        assert.equal(v.kubernetes, "4.32.0");
        assert.equal(v.random, "4.21.1");
    });

    it("finds the CLI and language host on PATH and the plugins in PULUMI_HOME", () => {
        executable(path.join(dir, "bin", "pulumi"));
        executable(path.join(dir, "bin", "pulumi-language-nodejs"));
        const v = lockfileVersions();
        for (const p of ["kubernetes", "random"]) {
            executable(path.join(dir, "home", "plugins", `resource-${p}-v${v[p]}`, `pulumi-resource-${p}`));
        }
        process.env.PATH = `${path.join(dir, "bin")}${path.delimiter}/usr/bin:/bin`;
        process.env.PULUMI_HOME = path.join(dir, "home");
        const tools = detectToolchain(["kubernetes", "random"]);
        assert.deepEqual(tools.missing, []);
        assert.equal(tools.cliDir, path.join(dir, "bin"));
        assert.equal(tools.pulumiHome, path.join(dir, "home"));
    });

    it("names each missing piece: language host, a plugin at the wrong version", () => {
        executable(path.join(dir, "bin", "pulumi"));
        executable(
            path.join(dir, "home", "plugins", "resource-kubernetes-v4.0.0", "pulumi-resource-kubernetes"),
        );
        process.env.PATH = `${path.join(dir, "bin")}${path.delimiter}/usr/bin:/bin`;
        process.env.PULUMI_HOME = path.join(dir, "home");
        process.env.E2E_CACHE = path.join(dir, "no-cache");
        const tools = detectToolchain(["kubernetes"]);
        assert.equal(tools.missing.length, 2, tools.missing.join("\n"));
        assert.match(tools.missing[0], /pulumi-language-nodejs/);
        assert.match(tools.missing[1], /kubernetes 4\.32\.0 plugin/);
    });
});
