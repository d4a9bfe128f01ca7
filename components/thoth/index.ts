import { defineSystem, SecretSpec } from "../config/system";
import { ThothConfig, thothSchema, ultrahookApiKeySecret, ultrahookProblems } from "./config";
import { Ultrahooks } from "./ultrahook";

function secrets(config: ThothConfig): SecretSpec[] {
    const specs: SecretSpec[] = [];
    const hooks = config.ultrahooks;
    if (hooks?.enabled) {
        for (const secretName of [...new Set(hooks.instances.map((i) => i.apiKeySecret))].sort()) {
            specs.push({
                key: ultrahookApiKeySecret(secretName),
                description: `ultrahook.com API key of the account behind Secret ${secretName} (key api.key)`,
                today: `gopass aicoe/ultrahook/${secretName}; ultrahook-openshift template parameter ULTRAHOOK_API_KEY`,
                example: "0123456789abcdef0123456789abcdef",
            });
        }
    }
    return specs;
}

/** Thoth-station: bots, ultrahooks, station namespaces, Dgraph, watcher restarts and the Zuul nodepool hookup. */
export const thoth = defineSystem<ThothConfig>({
    section: "thoth",
    title: "Thoth-station",
    target: "kubernetes",
    schema: thothSchema,
    namespaces: (config) =>
        config.ultrahooks?.enabled ? [{ namespace: config.ultrahooks.namespace, key: "thoth.ultrahooks.namespace" }] : [],
    secrets,
    check: (config) => ultrahookProblems(config.ultrahooks),
    deploy: (config, ctx) => {
        const outputs: Record<string, unknown> = {};
        const hooks = config.ultrahooks;
        if (hooks?.enabled) {
            const apiKeys: Record<string, ReturnType<typeof ctx.secrets.require>> = {};
            for (const i of hooks.instances) {
                apiKeys[i.apiKeySecret] = ctx.secrets.require(ultrahookApiKeySecret(i.apiKeySecret));
            }
            const ultrahooks = new Ultrahooks("thoth-ultrahooks", {
                cluster: ctx.cluster!,
                namespace: hooks.namespace,
                createNamespace: hooks.createNamespace,
                image: hooks.image,
                tunnels: hooks.instances.map((i) => ({
                    subdomain: i.subdomain,
                    apiKeySecret: i.apiKeySecret,
                    destination: i.destination,
                })),
                apiKeys,
            });
            outputs.ultrahookDestinations = ultrahooks.destinations;
        }
        return outputs;
    },
});
