import { strict as assert } from "assert";
import { SANDBOX_CLEANUP_SCRIPT } from "../../components/packit/scripts";
import { Objects, field } from "../harness";
import { evaluatedBefore, runSystem } from "../fixtures/system";
import {
    CLUSTERROLEBINDING,
    CONFIGMAP,
    CRONJOB,
    DEPLOYMENT,
    PVC,
    ROLE,
    ROLEBINDING,
    ROUTE,
    SECRET,
    SERVICE,
    containers,
    envOf,
    podSpec,
    PACKIT,
    PACKIT_ALONE,
    packitSections,
} from "./fixtures";

interface Subject {
    kind: string;
    name: string;
    namespace?: string;
}

describe("packit security", function () {
    this.timeout(120_000);
    // The unchanged prod stack, evaluated once; the case that needs a generated password evaluates its own variant,
    // so no case reads what another one evaluated.
    const prod = evaluatedBefore(() => runSystem(PACKIT, "prod"));
    const objects = () => new Objects(prod());
    const k8sObjects = (type: string, namespace?: string) => objects().ofType(type, namespace);
    const k8sObject = (type: string, name: string, namespace?: string) =>
        objects().one(type, name, namespace);

    it("grants the workers' default service account exactly ClusterRole edit, only in the sandbox namespace", () => {
        assert.equal(k8sObjects(CLUSTERROLEBINDING).length, 0, "no cluster-wide grants");
        for (const [main, sandbox] of [
            ["packit-prod", "packit-prod-sandbox"],
            ["stream-prod", "stream-prod-sandbox"],
        ]) {
            const grants = k8sObjects(ROLEBINDING).filter((rb) =>
                (field(rb.inputs, "subjects") as Subject[]).some(
                    (s) => s.kind === "ServiceAccount" && s.name === "default" && s.namespace === main,
                ),
            );
            assert.equal(grants.length, 1, `${main}/default has one binding`);
            assert.equal(field(grants[0].inputs, "metadata.namespace"), sandbox);
            assert.deepEqual(field(grants[0].inputs, "roleRef"), {
                apiGroup: "rbac.authorization.k8s.io",
                kind: "ClusterRole",
                name: "edit",
            });
            assert.deepEqual(field(grants[0].inputs, "subjects"), [
                { kind: "ServiceAccount", name: "default", namespace: main },
            ]);
        }
    });

    it("cleans the sandbox hourly with an account that may only list and delete pods and claims there", () => {
        const job = k8sObject(CRONJOB, "sandbox-cleanup", "packit-prod");
        assert.equal(field(job.inputs, "spec.schedule"), "0 * * * *");
        assert.equal(podSpec(job).serviceAccountName, "sandbox-cleaner");
        const env = envOf(job);
        assert.equal(env.SANDBOX_NAMESPACE.value, "packit-prod-sandbox");
        assert.equal(env.POD_MAX_AGE_HOURS.value, "24");
        assert.deepEqual(field(k8sObject(ROLE, "sandbox-cleaner", "packit-prod-sandbox").inputs, "rules"), [
            { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "delete"] },
            { apiGroups: [""], resources: ["persistentvolumeclaims"], verbs: ["get", "list", "delete"] },
        ]);
        const binding = k8sObject(ROLEBINDING, "sandbox-cleaner", "packit-prod-sandbox");
        assert.deepEqual(field(binding.inputs, "subjects"), [
            { kind: "ServiceAccount", name: "sandbox-cleaner", namespace: "packit-prod" },
        ]);
        assert.equal(
            k8sObjects(ROLE, "packit-prod").filter(
                (r) => field(r.inputs, "metadata.name") === "sandbox-cleaner",
            ).length,
            0,
        );
        assert.deepEqual(containers(job)[0].command, ["/bin/bash", "-c", SANDBOX_CLEANUP_SCRIPT]);
    });

    it("spares the repository caches this program manages from the clean-up", () => {
        assert.match(SANDBOX_CLEANUP_SCRIPT, /oc get pvc [^\n]*-l "app\.kubernetes\.io\/managed-by!=pulumi"/);
        assert.match(SANDBOX_CLEANUP_SCRIPT, /case "\$phase" in Succeeded\|Failed/);
        const cache = k8sObject(
            PVC,
            "sandcastle-repository-cache-packit-worker-long-running-0",
            "packit-prod-sandbox",
        );
        assert.equal(
            field(cache.inputs, "metadata.labels")!["app.kubernetes.io/managed-by" as never],
            "pulumi",
        );
    });

    it("keeps the generated Postgres password secret: in postgres-secret only, referenced by key", async () => {
        // Production adopts the running password; a generated one is what a new database gets.
        // Only packit's section: the change is packit's own database, which nothing of stream's reads.
        const resources = await runSystem(PACKIT_ALONE, "prod", (values) => {
            packitSections(values).packit.postgres.existingPassword = false;
        });
        const generatedRun = new Objects(resources);
        const secret = generatedRun.one(SECRET, "postgres-secret", "packit-prod");
        const password = generatedRun.byName(
            "packit-postgres-password",
            "random:index/randomPassword:RandomPassword",
        );
        const generated = (field(secret.inputs, "stringData") as Record<string, string>)["database-password"];
        assert.ok(
            generated.startsWith("mock-packit-postgres-password"),
            "the password is the RandomPassword's result",
        );
        assert.ok(secret.secretPaths.includes("stringData"));
        assert.deepEqual(Object.keys(field(secret.inputs, "stringData") as object).sort(), [
            "database-host",
            "database-name",
            "database-password",
            "database-user",
        ]);
        assert.equal(field(password.inputs, "special"), false);
        const api = envOf(generatedRun.one(DEPLOYMENT, "packit-service", "packit-prod"));
        assert.deepEqual(api.POSTGRESQL_PASSWORD.valueFrom, {
            secretKeyRef: { name: "postgres-secret", key: "database-password" },
        });
        for (const r of resources.filter((r) => r !== secret && r !== password)) {
            assert.ok(!JSON.stringify(r.inputs).includes(generated), `${r.name} does not carry the password`);
        }
    });

    it("never shows a secret config value outside secret inputs", () => {
        for (const r of prod()) {
            assert.ok(
                !JSON.stringify(r.masked).includes("SECRET<"),
                `${r.type} ${r.name} exposes a secret value`,
            );
        }
        for (const cm of k8sObjects(CONFIGMAP)) {
            assert.ok(!JSON.stringify(cm.inputs).includes("SECRET<"), `${cm.name} holds a secret`);
        }
        const config = k8sObject(SECRET, "packit-config", "packit-prod");
        assert.equal(
            (field(config.inputs, "stringData") as Record<string, string>)["packit-service.yaml"],
            "SECRET<packit-packit-config-packit-service-yaml>",
        );
        // The keytab is binary: it travels base64-encoded in `data`, secret too.
        const files = k8sObject(SECRET, "packit-secrets", "packit-prod");
        assert.deepEqual(Object.keys(field(files.inputs, "data") as object), ["fedora.keytab"]);
        assert.deepEqual(files.secretPaths.sort(), ["data", "stringData"]);
    });

    it("exposes the pushgateway only through nginx, which allows GET /metrics and nothing else", () => {
        const conf = (
            field(k8sObject(CONFIGMAP, "nginx-config", "packit-prod").inputs, "data") as Record<
                string,
                string
            >
        )["nginx.conf"];
        assert.match(conf, /location = \/metrics \{\s*limit_except GET \{\s*deny all;\s*\}/);
        assert.match(conf, /location \/ \{\s*return 404;\s*\}/);
        assert.match(conf, /proxy_pass http:\/\/pushgateway:80\/metrics;/);
        const routes = k8sObjects(ROUTE, "packit-prod").map((r) => field(r.inputs, "spec.to.name"));
        assert.ok(routes.includes("nginx"));
        assert.ok(!routes.includes("pushgateway"), "the pushgateway itself is not public");
        const nginx = k8sObject(DEPLOYMENT, "nginx", "packit-prod");
        assert.deepEqual(
            containers(nginx)[0].volumeMounts?.map((m) => m.name),
            ["nginx-config", "packit-secrets"],
        );
        assert.deepEqual(containers(nginx)[0].command, [
            "nginx",
            "-g",
            "daemon off;",
            "-c",
            "/etc/nginx/custom/nginx.conf",
        ]);
        assert.equal(
            field(k8sObject(SERVICE, "pushgateway", "packit-prod").inputs, "spec.ports[0].port"),
            80,
        );
        assert.equal(
            envOf(k8sObject(DEPLOYMENT, "packit-service-beat", "packit-prod")).PUSHGATEWAY_ADDRESS.value,
            "http://pushgateway",
        );
    });

    it("mounts the ssh key read-only for its owner only", () => {
        const beat = k8sObject(DEPLOYMENT, "packit-service-beat", "packit-prod");
        const ssh = (podSpec(beat).volumes as { name: string; secret: { defaultMode?: number } }[]).find(
            (v) => v.name === "packit-ssh",
        );
        assert.equal(ssh?.secret.defaultMode, 0o400);
    });
});
