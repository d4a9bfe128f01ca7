import { strict as assert } from "assert";
import { RecordedResource } from "../../tools/mocks/recorder";
import { field } from "../harness";
import { PACKIT, PVC, everyComponentOn, packitSections } from "./fixtures";
import { runSystem } from "../fixtures/system";

const NAMESPACE = "kubernetes:core/v1:Namespace";

/** True when the resource, or a component it lives in, depends on `target`. */
function waitsFor(r: RecordedResource, target: string, byUrn: Map<string, RecordedResource>): boolean {
    for (let at: RecordedResource | undefined = r; at; at = byUrn.get(at.parent)) {
        if (at.dependencies.includes(target)) return true;
    }
    return false;
}

for (const stack of ["stage", "prod"] as const) {
    describe(`packit creation order (${stack}, every component on)`, () => {
        let resources: RecordedResource[];
        before(async () => {
            resources = await runSystem(PACKIT, stack, (v) =>
                everyComponentOn(packitSections(v), { upgrade: false }),
            );
        });

        it("creates every namespaced object only after its Namespace", () => {
            const byUrn = new Map(resources.map((r) => [r.urn, r]));
            const namespaces = new Map(
                resources
                    .filter((r) => r.type === NAMESPACE)
                    .map((r) => [field(r.inputs, "metadata.name") as string, r.urn]),
            );
            assert.ok(namespaces.size >= 4, "both services' main and sandbox namespaces are created");
            const early = resources
                .filter((r) => r.custom && r.type.startsWith("kubernetes:") && r.type !== NAMESPACE)
                .filter((r) => namespaces.has(field(r.inputs, "metadata.namespace") as string))
                .filter(
                    (r) =>
                        !waitsFor(r, namespaces.get(field(r.inputs, "metadata.namespace") as string)!, byUrn),
                )
                .map((r) => `${r.type} ${r.name}`);
            assert.deepEqual(early, []);
        });

        it("starts the applications after the database, Redis and the volumes they mount", () => {
            const byUrn = new Map(resources.map((r) => [r.urn, r]));
            const api = resources.find((r) => r.name === "packit-service-deployment")!;
            // Packit's and Stream's claims share names: the one in the API's own namespace.
            const namespace = field(api.inputs, "metadata.namespace");
            const claim = (name: string) =>
                resources.find(
                    (r) =>
                        r.type === PVC &&
                        field(r.inputs, "metadata.name") === name &&
                        field(r.inputs, "metadata.namespace") === namespace,
                )!.urn;
            const redisClaim = claim("redis-pvc");
            const tokman = resources.find((r) => r.name === "packit-tokman-deployment")!;
            assert.ok(waitsFor(api, redisClaim, byUrn), "the API waits for Redis");
            assert.ok(waitsFor(tokman, claim("access-tokens-pvc"), byUrn), "tokman waits for its volume");
        });
    });
}
