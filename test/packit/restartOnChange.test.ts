import { strict as assert } from "assert";
import { secretConfigKey } from "../../components/packit/secrets";
import { Checksums, baselineBefore, checksumsOf, rolled } from "../fixtures/checksums";
import { field } from "../harness";
import { runSystem } from "../fixtures/system";
import { DEPLOYMENT, PACKIT_ALONE, PackitSection, STATEFULSET, Values } from "./fixtures";

const NS = "packit-prod";

/**
 * Workload name → its pod-template checksum, in packit-prod, after a run with `changed` secret values. Only packit's
 * section is evaluated: every change here is packit's, and stream's workloads live in another namespace. Every run,
 * the baselines alike, leaves out what makes no workload and no object a pod reads, so nothing compared here can come
 * from it or be hidden by it: the sandbox clean-up (a CronJob with its own account, never one of the workloads
 * compared, reading none of the Secrets), the Namespaces (made by cluster admins instead: `createNamespaces: false`)
 * and OpenShift's image machinery (a plain Kubernetes cluster: no ImageStreams and no import job, whose trigger
 * annotations sit on the workloads' own metadata, never on the pod template the checksum is on).
 */
async function checksums(
    changed: Record<string, string> = {},
    change?: (packit: PackitSection) => void,
): Promise<Checksums> {
    const trimmed = (values: Values) => {
        Object.assign((values.clusters as Record<string, object>)["packit-auto"], {
            platform: "kubernetes",
            ingressNamespace: "ingress-nginx",
        });
        const packit = values.packit;
        packit.createNamespaces = false;
        packit.components = { ...packit.components, sandboxCleanup: false };
        change?.(packit);
    };
    const recorded = await runSystem(
        {
            ...PACKIT_ALONE,
            secrets: (values, pristine) => ({ ...PACKIT_ALONE.secrets(values, pristine), ...changed }),
        },
        "prod",
        (values) => trimmed(values as Values),
    );
    const workloads = recorded.filter(
        (r) => [DEPLOYMENT, STATEFULSET].includes(r.type) && field(r.inputs, "metadata.namespace") === NS,
    );
    assert.ok(workloads.length > 5, `packit-prod workloads: ${workloads.length}`);
    return checksumsOf(workloads);
}

// Runbook 001, after new certificates: "Restart (scale down and up) packit-service, packit-dashboard and nginx for
// them to use the new certs". A changed Secret now rolls exactly the pods that read it.
describe("packit: a changed Secret restarts exactly its readers", function () {
    this.timeout(120_000);
    const base = baselineBefore(() => checksums());

    // One file of one packit Secret changes; exactly the named workloads roll.
    const SECRET_CHANGES: { title: string; secret: string; file: string; value: string; rolls: string[] }[] =
        [
            {
                title: "new certificates in packit-secrets roll the API, the dashboard, the metrics nginx, the workers and beat",
                secret: "packit-secrets",
                file: "fullchain.pem",
                value: "NEW CERTIFICATE",
                rolls: [
                    "nginx",
                    "packit-dashboard",
                    "packit-service",
                    "packit-service-beat",
                    "packit-worker-long-running",
                    "packit-worker-short-running",
                ],
            },
            {
                title: "a new SSH key in packit-ssh rolls only what mounts it: workers and beat",
                secret: "packit-ssh",
                file: "id_ed25519",
                value: "NEW KEY",
                rolls: ["packit-service-beat", "packit-worker-long-running", "packit-worker-short-running"],
            },
            {
                title: "a new GitHub App key rolls only tokman",
                secret: "github-app-private-key",
                file: "private-key.pem",
                value: "NEW APP KEY",
                rolls: ["tokman"],
            },
            {
                title: "a new fedora.toml in packit-config rolls the fedmsg listener with the API, the workers and beat",
                secret: "packit-config",
                file: "fedora.toml",
                value: "NEW TOML",
                rolls: [
                    "packit-service",
                    "packit-service-beat",
                    "packit-service-fedmsg",
                    "packit-worker-long-running",
                    "packit-worker-short-running",
                ],
            },
            {
                title: "new CentOS certificates roll only the centosmsg listener",
                secret: "centos-secrets",
                file: "centos.cert",
                value: "NEW CENTOS CERT",
                rolls: ["packit-service-centosmsg"],
            },
        ];
    for (const c of SECRET_CHANGES) {
        it(c.title, async () => {
            const after = await checksums({ [secretConfigKey("packit", c.secret, c.file)]: c.value });
            assert.deepEqual(rolled(base(), after), c.rolls);
        });
    }

    it("a new GitHub App id (tokman-config's config.py) rolls only tokman", async () => {
        const after = await checksums({}, (packit) => {
            packit.tokman = { ...(packit.tokman as object), githubAppId: 424242 };
        });
        assert.deepEqual(rolled(base(), after), ["tokman"]);
    });

    it("with the debugging tools on, a new flower password rolls only flower", async () => {
        const flowerOn = (packit: PackitSection) => {
            packit.components = { ...packit.components, flower: true };
        };
        const before = await checksums({}, flowerOn);
        const after = await checksums(
            { [secretConfigKey("packit", "flower-secret", "flower-basic-auth")]: "admin:NEW" },
            flowerOn,
        );
        assert.deepEqual(rolled(before, after), ["flower"]);
    });

    it("the same values roll nothing", async () => {
        assert.deepEqual(rolled(base(), await checksums()), []);
    });
});
