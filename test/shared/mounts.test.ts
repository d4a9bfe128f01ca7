import { testCluster } from "../fixtures/cluster";
import { strict as assert } from "assert";
import fc from "fast-check";
import { ClusterContext } from "../../components/shared/cluster";
import { PlainConfigMap } from "../../components/shared/configMap";
import { ClaimHandle, SecretHandle, dnsLabel } from "../../components/shared/handles";
import { sized } from "../../components/shared/resources";
import { ScheduledJob } from "../../components/shared/scheduledJob";
import { ConfigSecret } from "../../components/shared/secret";
import { Workload } from "../../components/shared/workload";
import { field, k8sObject, resetRecorder, settled } from "../harness";

// `handle.mount(path)` gives the pod volume and the container's volumeMount together (kubernetesx's secret.mount,
// cdk8s-plus's container.mount): the volume is named from the object, so no call site names a volume.

let serial = 0;
const cluster = (): ClusterContext => testCluster("mounts");

const app = (name: string) => ({ name, partOf: "test", component: "c" });
const resources = sized("10m", "16Mi", "10m", "16Mi");
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
        new Workload(`mounts-web-${++serial}`, {
            cluster: c,
            namespace: "ns",
            app: app("web"),
            containers: [
                {
                    name: "web",
                    image: "i:1",
                    resources,
                    volumeMounts: [{ name: "scratch", mountPath: "/tmp" }],
                    mounts: [cert, conf.handle.mount("/etc/nginx", { readOnly: true })],
                },
                { name: "sidecar", image: "i:1", resources, mounts: [conf.handle.mount("/conf")] },
            ],
            volumes: [{ name: "scratch", emptyDir: {} }],
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
                new Workload(`mounts-clash-${++serial}`, {
                    cluster: c,
                    namespace: "ns",
                    app: app("clash"),
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
});
