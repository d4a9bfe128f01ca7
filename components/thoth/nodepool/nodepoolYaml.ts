import { stringify } from "yaml";
import { NodepoolConfig } from "../config";

/**
 * The kubeconfig context name `oc login --token` gives a service account's login: `<namespace>/<api host with
 * dashes>:<port>/system:serviceaccount:<namespace>:<account>`. Nodepool selects its cluster by this name.
 */
export function nodepoolContext(
    config: Pick<NodepoolConfig, "namespace" | "serviceAccount">,
    apiServer: string,
): string {
    const [host, port] = apiServer.split(":");
    return `${config.namespace}/${host.replace(/\./g, "-")}:${port}/system:serviceaccount:${config.namespace}:${config.serviceAccount}`;
}

/**
 * The nodepool provider file (zuul-config `nodepool/<provider>.yaml`): the labels with their min-ready, and one
 * openshiftpods provider whose pool is the namespace the pods run in. Ready to paste into zuul-config.
 */
export function nodepoolYaml(config: NodepoolConfig, apiServer: string): string {
    const doc = {
        labels: config.labels.map((l) => ({ name: l.name, "min-ready": l.minReady })),
        providers: [
            {
                name: config.provider,
                driver: "openshiftpods",
                context: nodepoolContext(config, apiServer),
                pools: [
                    {
                        name: config.namespace,
                        ...(config.maxPods !== undefined ? { "max-pods": config.maxPods } : {}),
                        labels: config.labels.map((l) => ({
                            name: l.name,
                            image: l.image,
                            cpu: l.cpu,
                            memory: l.memory,
                        })),
                    },
                ],
            },
        ],
    };
    return `---\n${stringify(doc)}`;
}
