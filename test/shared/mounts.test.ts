import { testCluster } from "../fixtures/cluster";
import { strict as assert } from "assert";
import fc from "fast-check";
import { ClusterContext } from "../../components/shared/cluster";
import { PlainConfigMap } from "../../components/shared/configMap";
import { ClaimHandle, ConfigMapHandle, SecretHandle, dnsLabel } from "../../components/shared/handles";
import { sized } from "../../components/shared/resources";
import { ScheduledJob } from "../../components/shared/scheduledJob";
import { ConfigSecret } from "../../components/shared/secret";
import { DefinitionError } from "../../components/shared/errors";
import { claimTemplate, mountedVolumes, podVolume } from "../../components/shared/volumes";
import { Workload, WorkloadArgs } from "../../components/shared/workload";
import { field, k8sObject, resetRecorder, settled } from "../harness";

// `handle.mount(path)` gives the pod volume and the container's volumeMount together (kubernetesx's secret.mount,
// cdk8s-plus's container.mount): the volume is named from the object, so no call site names a volume.

let serial = 0;
const cluster = (): ClusterContext => testCluster("mounts");

const app = (name: string) => ({ name, partOf: "test", component: "c" });
const resources = sized("10m", "16Mi", "10m", "16Mi");
/** Workload `appName` of its own resource name in namespace ns of cluster `c`. */
const workload = (
    c: ClusterContext,
    appName: string,
    args: Omit<WorkloadArgs, "cluster" | "namespace" | "app">,
) =>
    new Workload(`mounts-${appName}-${++serial}`, {
        cluster: c,
        namespace: "ns",
        app: app(appName),
        ...args,
    });
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

describe("mounting an object through its handle", () => {
    beforeEach(resetRecorder);

    it("gives the pod each object's volume once and each container its mount, waiting for the objects", async () => {
        const c = cluster();
        const tls = new ConfigSecret(
            `mounts-secret-${++serial}`,
            { namespace: "ns", name: "tls", app: app("tls"), data: { "tls.crt": "c", "tls.key": "k" } },
            { provider: c.provider },
        );
        const conf = new PlainConfigMap(
            `mounts-cm-${++serial}`,
            { namespace: "ns", name: "nginx", app: app("nginx"), data: { "nginx.conf": "x" } },
            { provider: c.provider },
        );
        const cert = tls.handle.mount("/etc/tls", { items: [{ key: "tls.crt", path: "tls.crt" }] });
        const scratch = podVolume("scratch", { emptyDir: {} }).mount("/tmp");
        workload(c, "web", {
            containers: [
                {
                    name: "web",
                    image: "i:1",
                    resources,
                    mounts: [scratch, cert, conf.handle.mount("/etc/nginx", { readOnly: true })],
                },
                { name: "sidecar", image: "i:1", resources, mounts: [conf.handle.mount("/conf")] },
            ],
        });
        await settled();
        const d = k8sObject("kubernetes:apps/v1:Deployment", "web", "ns");
        const pod = "spec.template.spec";
        assert.match(cert.volume.name as string, /^secret-tls-[0-9a-f]{8}$/);
        assert.deepEqual(field(d.inputs, `${pod}.volumes`), [
            { name: "scratch", emptyDir: {} },
            {
                name: cert.volume.name,
                secret: { secretName: "tls", items: [{ key: "tls.crt", path: "tls.crt" }] },
            },
            { name: "configmap-nginx", configMap: { name: "nginx" } },
        ]);
        assert.deepEqual(field(d.inputs, `${pod}.containers[0].volumeMounts`), [
            { name: "scratch", mountPath: "/tmp" },
            { name: cert.volume.name, mountPath: "/etc/tls" },
            { name: "configmap-nginx", mountPath: "/etc/nginx", readOnly: true },
        ]);
        assert.deepEqual(field(d.inputs, `${pod}.containers[1].volumeMounts`), [
            { name: "configmap-nginx", mountPath: "/conf" },
        ]);
        assert.deepEqual(
            [...d.dependencies].sort(),
            [
                k8sObject("kubernetes:core/v1:ConfigMap", "nginx", "ns").urn,
                k8sObject("kubernetes:core/v1:Secret", "tls", "ns").urn,
            ].sort(),
        );
    });

    it("mounts a claim (read-only on both sides), a subPath, and mounts in a CronJob's pods", async () => {
        const c = cluster();
        const data = ClaimHandle.existing("data", "ns").mount("/data", { readOnly: true });
        assert.deepEqual(data, {
            volume: {
                name: data.mount.name,
                persistentVolumeClaim: {
                    claimName: (data.volume.persistentVolumeClaim as { claimName: unknown }).claimName,
                    readOnly: true,
                },
            },
            mount: { name: data.mount.name, mountPath: "/data", readOnly: true },
        });
        const key = SecretHandle.existing("ssh", "ns").mount("/home/.ssh/id_rsa", { subPath: "id_rsa" });
        assert.deepEqual(key.mount, {
            name: "secret-ssh",
            mountPath: "/home/.ssh/id_rsa",
            subPath: "id_rsa",
        });
        new ScheduledJob(`mounts-job-${++serial}`, {
            cluster: c,
            namespace: "ns",
            app: app("job"),
            schedule: "@daily",
            containers: [{ name: "job", image: "i:1", resources, mounts: [key] }],
        });
        await settled();
        const job = k8sObject("kubernetes:batch/v1:CronJob", "job", "ns");
        const pod = "spec.jobTemplate.spec.template.spec";
        assert.deepEqual(field(job.inputs, `${pod}.volumes`), [
            { name: "secret-ssh", secret: { secretName: "ssh" } },
        ]);
        assert.deepEqual(field(job.inputs, `${pod}.containers[0].volumeMounts`), [key.mount]);
    });

    it("stops a mount whose volume is also given by name in volumes", () => {
        const c = cluster();
        const ssh = SecretHandle.existing("ssh", "ns");
        assert.throws(
            () =>
                workload(c, "clash", {
                    containers: [{ name: "c", image: "i:1", resources, mounts: [ssh.mount("/ssh")] }],
                    volumes: [ssh.volume("secret-ssh")],
                }),
            /volume secret-ssh is given in volumes and mounted through a handle/,
        );
    });

    it("names every volume with a stable DNS label, one per object and selection", () => {
        fc.assert(
            fc.property(
                fc.string({ maxLength: 120 }),
                fc.option(fc.string({ maxLength: 40 })),
                (base, variant) => {
                    const label = dnsLabel(base, variant ?? undefined);
                    assert.ok(
                        label.length <= 63 && DNS_LABEL.test(label),
                        `${JSON.stringify(label)} is a DNS label`,
                    );
                    assert.equal(dnsLabel(base, variant ?? undefined), label, "stable");
                },
            ),
        );
        const ssh = SecretHandle.existing("ssh", "ns");
        const item = (key: string) => ({ items: [{ key, path: key }] });
        assert.equal(ssh.volumeName(item("a")), ssh.volumeName(item("a")));
        assert.notEqual(ssh.volumeName(item("a")), ssh.volumeName(item("b")));
        assert.notEqual(ssh.volumeName(), ClaimHandle.existing("ssh", "ns").volumeName());
    });

    it("keeps the live volume name given with `volume`, one volume however many paths and containers mount it", async () => {
        const c = cluster();
        const data = ClaimHandle.existing("pg-data", "ns");
        const tls = SecretHandle.existing("tls", "ns");
        const crt = { items: [{ key: "tls.crt", path: "tls.crt" }] };
        workload(c, "named", {
            containers: [
                {
                    name: "db",
                    image: "i:1",
                    resources,
                    mounts: [
                        data.mount("/var/lib/pgsql/data", { volume: "postgres-data" }),
                        data.mount("/backup", { volume: "postgres-data", subPath: "backup" }),
                        tls.mount("/etc/tls", { volume: "certs", ...crt, readOnly: true }),
                    ],
                },
                {
                    name: "exporter",
                    image: "i:1",
                    resources,
                    mounts: [data.mount("/data", { volume: "postgres-data", readOnly: false })],
                },
            ],
            initContainers: [
                {
                    name: "init",
                    image: "i:1",
                    resources,
                    mounts: [tls.mount("/tls", { volume: "certs", ...crt })],
                },
            ],
        });
        await settled();
        const d = k8sObject("kubernetes:apps/v1:Deployment", "named", "ns");
        const pod = "spec.template.spec";
        assert.deepEqual(field(d.inputs, `${pod}.volumes`), [
            { name: "postgres-data", persistentVolumeClaim: { claimName: "pg-data" } },
            { name: "certs", secret: { secretName: "tls", items: [{ key: "tls.crt", path: "tls.crt" }] } },
        ]);
        assert.deepEqual(field(d.inputs, `${pod}.containers[0].volumeMounts`), [
            { name: "postgres-data", mountPath: "/var/lib/pgsql/data" },
            { name: "postgres-data", mountPath: "/backup", subPath: "backup" },
            { name: "certs", mountPath: "/etc/tls", readOnly: true },
        ]);
        assert.deepEqual(field(d.inputs, `${pod}.containers[1].volumeMounts`), [
            { name: "postgres-data", mountPath: "/data" },
        ]);
        assert.deepEqual(field(d.inputs, `${pod}.initContainers[0].volumeMounts`), [
            { name: "certs", mountPath: "/tls" },
        ]);
    });

    it("stops, in one message, one volume name mounted from different sources", () => {
        const c = cluster();
        const tls = SecretHandle.existing("tls", "ns");
        const other = SecretHandle.existing("other", "ns");
        const pod = (mounts: ReturnType<typeof tls.mount>[]) => () =>
            new Workload(`mounts-conflict-${++serial}`, {
                cluster: c,
                namespace: "ns",
                app: app(`conflict-${serial}`),
                containers: [{ name: "c", image: "i:1", resources, mounts }],
            });
        const crt = { items: [{ key: "tls.crt", path: "tls.crt" }] };
        const key = { items: [{ key: "tls.key", path: "tls.key" }] };
        assert.throws(
            pod([
                tls.mount("/a", { volume: "certs", ...crt }),
                tls.mount("/b", { volume: "certs", ...key }),
                tls.mount("/c", { volume: "keys" }),
                other.mount("/d", { volume: "keys" }),
            ]),
            (e: unknown) =>
                e instanceof DefinitionError &&
                /volume certs is mounted from two sources, Secret ns\/tls \{"items":\[\{"key":"tls.crt"/.test(
                    e.message,
                ) &&
                /and Secret ns\/tls \{"items":\[\{"key":"tls.key"/.test(e.message) &&
                /volume keys is mounted from two sources, Secret ns\/tls and Secret ns\/other/.test(
                    e.message,
                ),
        );
        // A claim mounted read-only is another volume source than the claim mounted writable.
        const data = ClaimHandle.existing("data", "ns");
        assert.throws(
            pod([
                data.mount("/rw", { volume: "data" }),
                data.mount("/ro", { volume: "data", readOnly: true }),
            ]),
            /volume data is mounted from two sources, PersistentVolumeClaim ns\/data and PersistentVolumeClaim ns\/data \{"readOnly":true\}/,
        );
        // Two scratch volumes of one name are one when their sources are the same, a conflict when not.
        const same = [
            podVolume("scratch", { emptyDir: {} }).mount("/a"),
            podVolume("scratch", { emptyDir: {} }).mount("/b"),
        ];
        assert.deepEqual(mountedVolumes(same, undefined), [{ name: "scratch", emptyDir: {} }]);
        assert.throws(
            () =>
                mountedVolumes(
                    [...same, podVolume("scratch", { emptyDir: { sizeLimit: "1Gi" } }).mount("/c")],
                    undefined,
                ),
            /volume scratch is mounted from two sources, \{"emptyDir":\{\}\} and \{"emptyDir":\{"sizeLimit":"1Gi"\}\}/,
        );
    });

    it("keeps a mount's volume where `volumes` lists it, the order of the live pods", () => {
        const conf = ConfigMapHandle.existing("nginx", "ns").mount("/etc/nginx", { volume: "nginx-conf" });
        const scratch = podVolume("static", { emptyDir: {} }).mount("/static");
        assert.deepEqual(
            (mountedVolumes([scratch, conf], [conf.volume]) ?? []).map((v) => v.name),
            ["nginx-conf", "static"],
        );
    });

    it("gives a StatefulSet the per-pod claims its containers mount, once each", async () => {
        const c = cluster();
        const datadir = () => claimTemplate({ name: "datadir", size: "1Gi" });
        workload(c, "templates", {
            kind: "StatefulSet",
            containers: [
                { name: "zero", image: "i:1", resources, mounts: [datadir().mount("/dgraph")] },
                {
                    name: "alpha",
                    image: "i:1",
                    resources,
                    mounts: [datadir().mount("/dgraph", { readOnly: true })],
                },
            ],
        });
        await settled();
        const set = k8sObject("kubernetes:apps/v1:StatefulSet", "templates", "ns");
        assert.deepEqual(
            (field(set.inputs, "spec.volumeClaimTemplates") as { metadata: { name: string } }[]).map(
                (t) => t.metadata.name,
            ),
            ["datadir"],
        );
        assert.equal(field(set.inputs, "spec.template.spec.volumes"), undefined);
        assert.deepEqual(field(set.inputs, "spec.template.spec.containers[1].volumeMounts"), [
            { name: "datadir", mountPath: "/dgraph", readOnly: true },
        ]);
        assert.throws(
            () =>
                workload(c, "templates-conflict", {
                    kind: "StatefulSet",
                    containers: [
                        {
                            name: "c",
                            image: "i:1",
                            resources,
                            mounts: [
                                datadir().mount("/a"),
                                claimTemplate({ name: "datadir", size: "2Gi" }).mount("/b"),
                            ],
                        },
                    ],
                }),
            (e: unknown) =>
                e instanceof DefinitionError && /claim template datadir is mounted as/.test(e.message),
        );
    });
});
