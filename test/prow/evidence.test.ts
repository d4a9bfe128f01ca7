import { TODAY_RELEASE } from "../../components/prow/release";
import { strict as assert } from "assert";
import { parse } from "yaml";
import { renderConfigMaps } from "../../components/prow/documents";
import { DEFAULT_IMAGES, ENVIRONMENTS, EnvironmentName } from "../../components/prow/environments";
import { PROW_EVIDENCE } from "../../components/prow/evidence";
import { prowSchema } from "../../components/prow/config";
import { resolveEnvironment } from "../../components/prow/resolve";
import { evidenceFor } from "../../components/shared/evidence/lookup";
import type { ReadFacts } from "../../components/shared/evidence/schema";
import { componentSpec } from "./helpers";

// Two images serve what the program's own ConfigMaps say (issue 51): nginx-unprivileged (pushgateway-proxy-config
// over its conf.d) and the registry (mirror-config as its config.yml). Their evidence states the listener those files
// make; these tests hold the files and the evidence together, so a change of either fails here, not on the cluster.

const readFacts = (image: string): ReadFacts => {
    const { entry } = evidenceFor(PROW_EVIDENCE.images, image);
    assert.ok(entry, `no evidence for ${image}`);
    assert.equal(entry.facts.state, "read", `${image} is not read`);
    return entry.facts as ReadFacts;
};

const configMaps = (environment: EnvironmentName) =>
    renderConfigMaps(
        resolveEnvironment(
            prowSchema.parse({
                enabled: true,
                cluster: "ibmcloud-prow",
                environment,
                release: TODAY_RELEASE,
            }),
        ),
    );

for (const environment of Object.keys(ENVIRONMENTS) as EnvironmentName[]) {
    describe(`Prow's ConfigMap-defined servers agree with their images' evidence (${environment})`, () => {
        it("pushgateway-proxy: nginx listens where the evidence says, and answers each health path itself", () => {
            const nginx = readFacts(DEFAULT_IMAGES.pushgatewayProxy);
            const conf = configMaps(environment).find((m) => m.name === "pushgateway-proxy-config")!.data[
                "default.conf"
            ];
            const listens = [...conf.matchAll(/^\s*listen\s+(?:[\d.]+:)?(\d+);/gm)].map((m) => Number(m[1]));
            assert.deepEqual(
                listens,
                nginx.listens.map((l) => l.port),
            );
            for (const path of nginx.listens.flatMap((l) => l.health ?? []))
                assert.match(conf, new RegExp(`location = ${path} \\{\\s*return 200\\b`), path);
            // The file hides the image's own default.conf only if it is mounted over conf.d under that name.
            const spec = componentSpec("pushgateway-proxy");
            assert.ok(
                spec.mounts.some((m) => "configMap" in m && m.configMap === "pushgateway-proxy-config"),
            );
            assert.ok(
                spec.mounts.some((m) => "configMap" in m && m.path === "/etc/nginx/conf.d"),
                "pushgateway-proxy-config is not mounted over /etc/nginx/conf.d",
            );
        });

        it("docker-mirror: the registry reads mirror-config where the image's CMD points, and listens on its http.addr only", () => {
            const registry = readFacts(DEFAULT_IMAGES.dockerMirror);
            const map = configMaps(environment).find((m) => m.name === "mirror-config")!;
            const [key] = Object.keys(map.data);
            const config = parse(map.data[key]) as { http: { addr: string; debug?: unknown } };
            // No http.debug: the evidence has no debug listener (/debug/health, pprof) to probe.
            assert.equal(config.http.debug, undefined);
            assert.deepEqual(
                [Number(/:(\d+)$/.exec(config.http.addr)?.[1])],
                registry.listens.map((l) => l.port),
            );
            const mount = componentSpec("docker-mirror").mounts.find(
                (m) => "configMap" in m && m.configMap === "mirror-config",
            );
            assert.ok(mount);
            assert.ok(
                registry.files.some((f) => f.name === `${mount.path}/${key}`),
                `${mount.path}/${key} is not the config file the image reads`,
            );
        });
    });
}
