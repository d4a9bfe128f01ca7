import { strict as assert } from "assert";
import { readFileSync } from "fs";
import * as path from "path";
import { ingressRouter } from "../../e2e/ingressFront";
import { K8sObject } from "../../e2e/render";
import { repoRoot } from "../../tools/root";
import { manifestObjects } from "../fixtures/plans";

// The e2e's stand-in ingress controller routes as ingress-nginx reads the committed stage plan's Prow Ingresses:
// hook's path rewritten to /hook, gcsweb's regular expression with its capture, deck's whole host.

const stageProw = (): K8sObject[] =>
    manifestObjects<K8sObject>(
        readFileSync(path.join(repoRoot(), "plans/stage/kubernetes/ibmcloud-prow.yaml"), "utf8"),
    ).filter((o) => o?.kind);

describe("e2e: the stand-in ingress controller's routing", () => {
    const objects = stageProw();
    const route = ingressRouter(objects);
    const ingress = (name: string) => objects.find((o) => o.kind === "Ingress" && o.metadata.name === name)!;
    const hostOf = (name: string) => (ingress(name).spec as { rules: { host: string }[] }).rules[0].host;
    const ns = "staging-kubevirt-prow";

    it("sends hook's path, rewritten to /hook, to hook's container port; gcsweb's capture to gcsweb; / to deck", () => {
        assert.deepEqual(route(hostOf("staging-hook"), "/staging-hook?x=1"), {
            workload: `${ns}/staging-hook`,
            port: 8888,
            path: "/hook?x=1",
            ingress: `${ns}/staging-hook`,
        });
        assert.deepEqual(route(hostOf("staging-gcsweb"), "/staging-gcsweb/gcs/bucket/a"), {
            workload: `${ns}/staging-gcsweb`,
            port: 8080,
            path: "/gcs/bucket/a",
            ingress: `${ns}/staging-gcsweb`,
        });
        assert.deepEqual(route(hostOf("staging-deck"), "/"), {
            workload: `${ns}/staging-deck`,
            port: 8080,
            path: "/",
            ingress: `${ns}/staging-deck`,
        });
    });

    it("routes nothing for another host, or a path no rule of the host matches (controls)", () => {
        assert.equal(route("elsewhere.example", "/"), undefined);
        // hook's and gcsweb's host has no rule for /: ingress-nginx's default backend answers.
        assert.equal(route(hostOf("staging-hook"), "/"), undefined);
        // A Service whose selector picks no workload is no backend either.
        const orphan = objects.map((o) =>
            o.kind === "Service" && o.metadata.name === "staging-deck"
                ? { ...o, spec: { ...(o.spec as object), selector: { app: "nothing" } } }
                : o,
        );
        assert.equal(ingressRouter(orphan)(hostOf("staging-deck"), "/"), undefined);
    });
});
