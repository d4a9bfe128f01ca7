// What the start check (e2e/startCheck.ts) reports, offline: a failure names the binary, its args, how it ended and
// its last output lines; the error lines of a run are summarised for all three log formats the binaries use.
import { strict as assert } from "assert";
import { StartResult, errorMessages, guardEnv, startFailure } from "../../e2e/startCheck";

const result = (over: Partial<StartResult>): StartResult => ({
    argv: ["/bin/tide", "--dry-run=true"],
    running: true,
    exitCode: null,
    signal: null,
    probes: [],
    tail: [],
    errors: [],
    busyPorts: [],
    unreachable: [],
    ...over,
});

describe("start check report (e2e/startCheck.ts)", () => {
    it("passes a process still running whose probes all answered", () => {
        const probe = { kind: "readiness", type: "tcp" as const, port: 8888, timeoutSeconds: 1 };
        assert.equal(
            startFailure("tide", result({ probes: [{ probe, ok: true, detail: "connected" }] }), 30),
            undefined,
        );
    });

    it("a failure names the binary, its args, its exit code, the unanswered probe and its last lines", () => {
        const probe = { kind: "readiness", type: "tcp" as const, port: 8888, timeoutSeconds: 1 };
        const text = startFailure(
            "tide",
            result({
                running: false,
                exitCode: 1,
                exitedAfter: 0.2,
                probes: [{ probe, ok: false, detail: "the process had exited" }],
                tail: ["line 1", "fatal: no deck url"],
                unreachable: [
                    "--kubeconfig /k names server https://far.away, which nothing in the chroot resolves or reaches",
                ],
            }),
            30,
        );
        assert.ok(text);
        assert.match(
            text,
            /^tide: exited after 0\.2 s with exit code 1; readiness tcp 127\.0\.0\.1:8888 did not answer at 30 s/,
        );
        assert.match(text, /args: \["\/bin\/tide","--dry-run=true"\]/);
        assert.match(text, /names server https:\/\/far\.away/);
        assert.match(text, /last 2 lines of its output:\n {4}\| line 1\n {4}\| fatal: no deck url/);
    });

    it("a port something else holds is said, and nothing is started", () => {
        assert.match(
            startFailure("deck", result({ running: false, busyPorts: [8081] }), 30)!,
            /port\(s\) 8081 already in use/,
        );
    });

    it("error lines of logrus JSON, logrus text and klog, each message once", () => {
        const out = [
            '{"level":"info","msg":"fine"}',
            '{"error":"proxyconnect tcp: refused","level":"error","msg":"Failed to push metrics."}',
            '{"error":"proxyconnect tcp: refused","level":"error","msg":"Failed to push metrics."}',
            'time="x" level=error msg="Updating pools." error="x"',
            'time="x" level=warning msg="not this"',
            "E1127 02:00:00.000000       1 reflector.go:1] watch failed",
            "E1127 02:00:01.000000       1 reflector.go:1] watch failed",
        ].join("\n");
        assert.deepEqual(errorMessages(out), [
            "Failed to push metrics.: proxyconnect tcp: refused",
            "Updating pools.",
            "reflector.go:1] watch failed",
        ]);
    });

    it("the guard's proxy is a closed loopback port and only loopback names bypass it", () => {
        const env = guardEnv([{ address: "127.60.1.1", names: ["ghproxy"] }]);
        assert.equal(env.HTTPS_PROXY, "http://127.0.0.1:9");
        assert.equal(env.https_proxy, env.HTTPS_PROXY);
        assert.equal(env.NO_PROXY, "127.0.0.1,localhost,ghproxy");
    });
});
