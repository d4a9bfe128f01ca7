import { strict as assert } from "assert";
import { RecordedResource } from "../../tools/mocks/recorder";
import { recorder } from "../harness";
import { CRONJOB, DEPLOYMENT, STATEFULSET, containers, runPackit, Stack } from "./fixtures";

/** The kubernetes-models class of a Pulumi Kubernetes type token, e.g. `kubernetes:apps/v1:Deployment`. */
function modelOf(type: string): (new (data: unknown) => { validate(): void }) | undefined {
    const m = /^kubernetes:(?:(core)\/)?([a-z0-9.]+\/)?(v[0-9a-z]+):([A-Za-z]+)$/.exec(type);
    if (!m) return undefined;
    const group = type.startsWith("kubernetes:core/") ? "" : (m[2] ?? "");
    try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const mod = require(`kubernetes-models/${group}${m[3]}/${m[4]}`) as Record<
            string,
            new (data: unknown) => { validate(): void }
        >;
        return mod[m[4]];
    } catch {
        return undefined;
    }
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function checkObject(r: RecordedResource): void {
    const meta = r.inputs.metadata as { name: string; labels?: Record<string, string> };
    assert.ok(meta?.name, `${r.type} ${r.name} has an explicit name`);
    for (const [k, v] of Object.entries(meta.labels ?? {})) {
        assert.ok(
            v.length <= 63 && /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/.test(v),
            `${r.name} label ${k}=${v}`,
        );
    }
    if (/Service$|Namespace$|Route$/.test(r.type)) {
        assert.ok(
            meta.name.length <= 63 && DNS_LABEL.test(meta.name),
            `${r.type} name ${meta.name} is a DNS label`,
        );
    }
}

for (const stack of ["stage", "prod"] as Stack[]) {
    describe(`packit Kubernetes validity (${stack}, every component on)`, () => {
        before(async () => {
            await runPackit(stack, (v) => {
                for (const s of [v.packit, v.stream]) {
                    s.components = { ...s.components, flower: true, redisCommander: true };
                }
                v.packit.postgres.previous = { version: 13, image: "quay.io/sclorg/postgresql-13-c9s:c9s" };
            });
        });

        it("registers only objects the Kubernetes API accepts", () => {
            const k8s = recorder.resources.filter(
                (r) => r.custom && r.type.startsWith("kubernetes:") && !r.type.startsWith("pulumi:"),
            );
            assert.ok(k8s.length > 60, `only ${k8s.length} objects`);
            let validated = 0;
            for (const r of k8s) {
                checkObject(r);
                const Model = modelOf(r.type);
                if (!Model) {
                    assert.match(r.type, /openshift\.io/, `${r.type} has a model or is an OpenShift kind`);
                    continue;
                }
                assert.doesNotThrow(() => new Model(r.inputs).validate(), `${r.type} ${r.name}`);
                validated++;
            }
            assert.ok(validated > 50, `only ${validated} validated`);
        });

        it("uses container names and port names Kubernetes allows", () => {
            for (const r of recorder.resources.filter((x) =>
                [DEPLOYMENT, STATEFULSET, CRONJOB].includes(x.type),
            )) {
                for (const c of containers(r)) {
                    assert.ok(DNS_LABEL.test(c.name), `${r.name}: container ${c.name}`);
                    for (const p of c.ports ?? []) {
                        assert.ok(
                            p.name.length <= 15 && p.containerPort <= 65535,
                            `${r.name}: port ${p.name}`,
                        );
                    }
                }
            }
        });
    });
}
