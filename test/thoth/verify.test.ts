import { strict as assert } from "assert";
import {
    NOT_CHECKED_ANNOTATION,
    VERIFY_ATTEMPTS,
    VERIFY_CALL_SECONDS,
    VERIFY_DEADLINE_SECONDS,
    VERIFY_DELAY_SECONDS,
    notCheckedLine,
} from "../../components/thoth/station/modules/verify";
import { curlCommands } from "../fixtures/curlCommands";
import { field, k8sObjects, ofType } from "../harness";
import { KIND } from "./fixtures";
import { plannedBefore } from "./parts";
import { runWithStubs } from "./shellStub";

const JOB = "kubernetes:batch/v1:Job";
const FRONTEND = "thoth-frontend-stage";
/** The APIs' images are UBI 8: /bin/sh is their POSIX shell (dash here checks the script uses nothing more). */
const IMAGE_SHELL = "/bin/sh";

/** Runs a verify script as its Job would, with curl and sleep standing in (sleep answers at once). */
function runVerify(script: string, curl: string) {
    return runWithStubs(script, { curl, sleep: "exit 0" }, {}, IMAGE_SHELL);
}

function verifyJobs() {
    return k8sObjects(JOB).filter((j) => String(field(j.inputs, "metadata.name")).startsWith("verify-"));
}

// Issue #27 item 2: the public -route53 hosts carry no certificate of their own and answer only once DNS points at
// this cluster, so the check calls what the program made: each API's Service, from inside the cluster.
describe("thoth station verify (stage)", function () {
    this.timeout(60_000);
    plannedBefore("stage");

    it("checks user-api and management-api through their Services, one Job each in the API's namespace", () => {
        const jobs = verifyJobs();
        assert.deepEqual(jobs.map((j) => field(j.inputs, "metadata.namespace")).sort(), [FRONTEND, FRONTEND]);
        const services = Object.fromEntries(
            k8sObjects(KIND.service, FRONTEND).map((s) => [
                field(s.inputs, "metadata.name"),
                (field(s.inputs, "spec.ports") as { port: number }[])[0].port,
            ]),
        );
        const deployments = Object.fromEntries(
            k8sObjects(KIND.deployment, FRONTEND).map((d) => [
                field(d.inputs, "metadata.name"),
                (field(d.inputs, "spec.template.spec.containers") as { image: string }[])[0].image,
            ]),
        );
        for (const api of ["user-api", "management-api"]) {
            const [job] = jobs.filter((j) =>
                String(field(j.inputs, "metadata.name")).startsWith(`verify-${api}-`),
            );
            assert.ok(job, api);
            const [container] = field(job.inputs, "spec.template.spec.containers") as {
                image: string;
                args: string[];
            }[];
            const url = `http://${api}.${FRONTEND}.svc:${services[api]}/readiness`;
            assert.ok(container.args[0].includes(`'${url}'`), container.args[0]);
            assert.equal(container.image, deployments[api], "the API's own image");
            assert.equal(field(job.inputs, "spec.backoffLimit"), 0);
            assert.equal(field(job.inputs, "spec.template.spec.restartPolicy"), "Never");
        }
    });

    it("never calls the public hosts, and names them, once, as not checked", () => {
        const publicUrls: Record<string, string> = {
            "user-api": "https://stage.thoth-station.ninja/readiness",
            "management-api": "https://management.stage.thoth-station.ninja/readiness",
        };
        for (const job of verifyJobs()) {
            const api = String(field(job.inputs, "metadata.name")).replace(/^verify-(.*)-[0-9a-f]+$/, "$1");
            const [container] = field(job.inputs, "spec.template.spec.containers") as { args: string[] }[];
            assert.equal(curlCommands(container.args[0]).length, 1);
            const line = notCheckedLine([{ url: publicUrls[api] }]);
            assert.equal(
                (field(job.inputs, "metadata.annotations") as Record<string, string>)[NOT_CHECKED_ANNOTATION],
                line,
            );
            const run = runVerify(container.args[0], "exit 0");
            assert.equal(run.status, 0);
            const called = run.calls.filter((c) => c[0] === "curl");
            assert.equal(called.length, 1);
            assert.doesNotMatch(called[0].join(" "), /thoth-station\.ninja/);
        }
        assert.equal(ofType("command:local:Command").filter((c) => c.name.includes("verify")).length, 0);
    });

    it("the script fails the Job when the Service never answers", () => {
        const [job] = verifyJobs();
        const [container] = field(job.inputs, "spec.template.spec.containers") as { args: string[] }[];
        assert.equal(runVerify(container.args[0], "exit 7").status, 1);
        assert.equal(runVerify(container.args[0], "exit 0").status, 0);
    });

    // Issue 39: the retry was curl's `--retry-all-errors`, which the images' curl 7.61.1 does not know (exit 2 at once).
    it("runs in the image's /bin/sh, retries a refused call itself and gives up after its attempts, within the deadline", () => {
        for (const job of verifyJobs()) {
            const [container] = field(job.inputs, "spec.template.spec.containers") as {
                command: string[];
                args: string[];
            }[];
            assert.deepEqual(container.command, [IMAGE_SHELL, "-c"]);
            assert.equal(field(job.inputs, "spec.activeDeadlineSeconds"), VERIFY_DEADLINE_SECONDS);
            // Refused until the third call: two waits, then ok.
            const count =
                'n=$(cat "$0.n" 2>/dev/null || echo 0); n=$((n+1)); echo "$n" > "$0.n"; [ "$n" -ge 3 ]';
            const late = runVerify(container.args[0], count);
            assert.equal(late.status, 0);
            assert.equal(late.calls.filter((c) => c[0] === "curl").length, 3);
            assert.equal(late.calls.filter((c) => c[0] === "sleep").length, 2);
            const never = runVerify(container.args[0], "exit 7");
            assert.equal(never.status, 1);
            assert.equal(never.calls.filter((c) => c[0] === "curl").length, VERIFY_ATTEMPTS);
            for (const call of never.calls.filter((c) => c[0] === "curl")) {
                assert.ok(
                    call.includes("--max-time") && call.includes(String(VERIFY_CALL_SECONDS)),
                    call.join(" "),
                );
            }
        }
        // Every attempt timing out, with every wait between them, ends before the Job's deadline kills it.
        assert.ok(
            VERIFY_ATTEMPTS * VERIFY_CALL_SECONDS + (VERIFY_ATTEMPTS - 1) * VERIFY_DELAY_SECONDS <
                VERIFY_DEADLINE_SECONDS,
        );
    });

    it("says in one line what it could not check: public DNS and certificates of the public hosts", () => {
        const line = notCheckedLine([
            { url: "https://stage.thoth-station.ninja/readiness" },
            { url: "https://management.stage.thoth-station.ninja/readiness" },
        ]);
        assert.doesNotMatch(line, /\n/);
        assert.match(
            line,
            /not checked: public DNS and certificates of https:\/\/stage\.thoth-station\.ninja/,
        );
        assert.match(line, /management\.stage\.thoth-station\.ninja/);
        assert.match(line, /docs\/systems\/thoth-notes\.md, "Thoth: DNS before the first deploy"/);
    });
});
