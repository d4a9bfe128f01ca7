import { strict as assert } from "assert";
import { NOT_CHECKED_ANNOTATION, notCheckedLine } from "../../components/thoth/station/modules/verify";
import { field, k8sObjects, ofType } from "../harness";
import { KIND } from "./fixtures";
import { plannedBefore } from "./parts";
import { runWithStubs } from "./shellStub";

const JOB = "kubernetes:batch/v1:Job";
const FRONTEND = "thoth-frontend-stage";

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
            const curls = container.args[0].split("\n").filter((l) => l.startsWith("curl "));
            assert.equal(curls.length, 1);
            assert.doesNotMatch(curls[0], /thoth-station\.ninja/);
            const line = notCheckedLine([{ url: publicUrls[api] }]);
            assert.equal(
                (field(job.inputs, "metadata.annotations") as Record<string, string>)[NOT_CHECKED_ANNOTATION],
                line,
            );
            const run = runWithStubs(container.args[0], { curl: "exit 0" });
            assert.equal(run.status, 0);
        }
        assert.equal(ofType("command:local:Command").filter((c) => c.name.includes("verify")).length, 0);
    });

    it("the script fails the Job when the Service never answers", () => {
        const [job] = verifyJobs();
        const [container] = field(job.inputs, "spec.template.spec.containers") as { args: string[] }[];
        assert.equal(runWithStubs(container.args[0], { curl: "exit 7" }).status, 1);
        assert.equal(runWithStubs(container.args[0], { curl: "exit 0" }).status, 0);
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
        assert.match(line, /README/);
    });
});
