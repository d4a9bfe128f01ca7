import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { KubernetesContext } from "../../../config/system";
import { toContainer } from "../../../shared/container";
import { standardLabels } from "../../../shared/labels";
import { contentHash } from "../../../shared/naming";
import { sized } from "../../../shared/resources";
import { Workload } from "../../../shared/workload";
import { renderWithEndpoints } from "../../../shared/endpoints";
import { recordPods } from "../../../shared/network";
import { SystemArgs, SystemPart } from "../../../config/systemComponent";
import { ThothSection } from "../../config";
import { thothApp } from "../../identity";

/** One API the check calls: its Deployment name, its public readiness URL and the image whose change re-runs it. */
export interface VerifyTarget {
    name: string;
    url: string;
    image: string;
}

/** How often, how far apart and how long each the check calls an API: ~5 minutes for a rollout to answer. */
export const VERIFY_ATTEMPTS = 30;
export const VERIFY_DELAY_SECONDS = 10;
export const VERIFY_CALL_SECONDS = 10;
/** The Job's deadline: longer than every attempt timing out with every wait between them. */
export const VERIFY_DEADLINE_SECONDS = 600;

/**
 * The shell the check runs: every endpoint is called until it answers, up to {@link VERIFY_ATTEMPTS} times, all
 * are tried, and the command fails if any never answered, which fails `pulumi up`. The retry is the shell's, not
 * curl's: the APIs' UBI 8 images carry curl 7.61.1, older than `--retry-all-errors` (7.71.0), and curl's own
 * `--retry` does not retry a refused connection there. POSIX sh only (the images' /bin/sh).
 */
export function verifyScript(targets: readonly VerifyTarget[], note?: string): string {
    return [
        "set -u",
        "failed=0",
        "check() {",
        "  attempt=1",
        `  until curl --fail --silent --show-error --output /dev/null --max-time ${VERIFY_CALL_SECONDS} "$2"; do`,
        `    if [ "$attempt" -ge ${VERIFY_ATTEMPTS} ]; then echo "$1: $2 did not answer" >&2; return 1; fi`,
        "    attempt=$((attempt + 1))",
        `    sleep ${VERIFY_DELAY_SECONDS}`,
        "  done",
        '  echo "$1: ok"',
        "}",
        ...targets.map((t) => `check ${shellQuote(t.name)} ${shellQuote(t.url)} || failed=1`),
        // The note (what could not be checked) ends the log whatever the result.
        ...(note ? [`echo ${shellQuote(note)}`] : []),
        'exit "$failed"',
    ].join("\n");
}

/** Annotation of each verify Job: what it cannot check from inside the cluster. */
export const NOT_CHECKED_ANNOTATION = "runbooks.thoth-station.ninja/not-checked";

/** Single-quotes a string for sh. */
function shellQuote(text: string): string {
    return `'${text.replace(/'/g, "'\\''")}'`;
}

/** The one line naming what the check cannot see from inside the cluster. */
export function notCheckedLine(targets: readonly Pick<VerifyTarget, "url">[]): string {
    return (
        `station verify checks the APIs through their Services inside the cluster; not checked: public DNS and ` +
        `certificates of ${targets.map((t) => t.url).join(", ")} (their -route53 Routes carry no certificate of ` +
        `their own, and DNS must already point at this cluster's router: docs/systems/thoth-notes.md, "Thoth: DNS before the first deploy")`
    );
}

/** An API verify checks: its Workload (with its Service), the public URL it is checked for and its image. */
export interface VerifiedApi {
    workload: Workload;
    target: VerifyTarget;
}

export interface StationVerifyArgs extends SystemArgs<ThothSection, KubernetesContext> {
    /** The APIs to check, each with the Workload the check calls through its Service and waits for. */
    apis: VerifiedApi[];
}

/**
 * thoth-ops' verify playbook as part of `pulumi up`: once the APIs are rolled out, a Job in each API's namespace
 * calls its readiness endpoint through the Service this program made (never the public host, which only answers
 * once DNS points here), and `up` waits for it, so an API that never answers fails the update. A new image is a
 * new Job, so the check runs again whenever an API's image changes.
 */
export class StationVerify extends SystemPart<ThothSection, KubernetesContext> {
    /** The one line naming what the check cannot see; also an annotation of each Job and the last line of its log. */
    public readonly notChecked: string;

    constructor(name: string, args: StationVerifyArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:thoth:StationVerify", name, args, opts);
        for (const api of args.apis) this.check(api, args.apis);
        this.notChecked = notCheckedLine(args.apis.map((a) => a.target));
        this.registerOutputs({ notChecked: this.notChecked });
    }

    /** The Job that checks one API, in the API's namespace, under the API pod's own security context. */
    private check({ workload, target }: VerifiedApi, apis: readonly VerifiedApi[]): k8s.batch.v1.Job {
        const deployment = workload.workload;
        const endpoint = workload.endpoint();
        const serviceUrl = endpoint.url({ explicitPort: true, path: "/readiness" });
        const labels = standardLabels(thothApp(`verify-${target.name}`, "verification"));
        const line = notCheckedLine([target]);
        const container = {
            ...toContainer({
                name: "verify",
                image: target.image,
                command: ["/bin/sh", "-c"],
                resources: sized("10m", "32Mi", "100m", "64Mi"),
            }),
            args: [
                renderWithEndpoints({ url: serviceUrl }, ({ url }) =>
                    verifyScript([{ ...target, url }], line),
                ),
            ],
        };
        // The check's pod reaches the API through the URL in its script.
        recordPods(
            this.context.cluster,
            `Job verify-${target.name}`,
            endpoint.namespace ?? "",
            { matchLabels: labels },
            { containers: [{ args: container.args }] },
        );
        return new k8s.batch.v1.Job(
            this.childName(target.name),
            {
                metadata: {
                    // Job specs are immutable: a new image is a new Job (created, then the old one deleted).
                    name: `verify-${target.name}-${contentHash(target.image).slice(0, 10)}`,
                    namespace: deployment.metadata.namespace,
                    labels,
                    // Shown by the plan, the preview's diff and `oc describe job`: what this check cannot see.
                    annotations: { [NOT_CHECKED_ANNOTATION]: line },
                },
                spec: {
                    backoffLimit: 0,
                    activeDeadlineSeconds: VERIFY_DEADLINE_SECONDS,
                    template: {
                        metadata: { labels },
                        spec: {
                            restartPolicy: "Never",
                            automountServiceAccountToken: false,
                            // The API's own image (curl, /bin/sh) under the API pod's own security context.
                            securityContext: deployment.spec.template.spec.securityContext,
                            containers: [container],
                        },
                    },
                },
            },
            // order: the check runs once every API it calls is rolled out.
            this.child({ dependsOn: apis.map((a) => a.workload) }),
        );
    }
}
