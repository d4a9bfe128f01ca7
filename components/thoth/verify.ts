import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { RunbookComponent } from "../shared/component";

/** One endpoint the check calls, and the image whose change makes it run again. */
export interface VerifyTarget {
    name: string;
    url: string;
    image: string;
}

/**
 * The shell the check runs: every endpoint is retried for up to ~5 minutes (a rollout takes that long), all are
 * tried, and the command fails if any never answered, which fails `pulumi up`.
 */
export function verifyScript(targets: readonly VerifyTarget[]): string {
    return [
        "set -u",
        "failed=0",
        ...targets.map(
            (t) =>
                `curl --fail --silent --show-error --output /dev/null --retry 30 --retry-delay 10 --retry-all-errors --max-time 20 '${t.url}' && echo '${t.name}: ok' || { echo '${t.name}: ${t.url} did not answer' >&2; failed=1; }`,
        ),
        'exit "$failed"',
    ].join("\n");
}

/**
 * thoth-ops' verify playbook as part of `pulumi up`: after the APIs are rolled out, their readiness endpoints
 * must answer on their public Routes, or the update fails. Runs again whenever an API's image changes.
 */
export class StationVerify extends RunbookComponent {
    public readonly check: command.local.Command;

    constructor(
        name: string,
        args: { targets: VerifyTarget[]; after: pulumi.Resource[] },
        opts?: pulumi.ComponentResourceOptions,
    ) {
        super("runbooks:thoth:StationVerify", name, opts);
        this.check = new command.local.Command(
            this.childName("check"),
            {
                create: verifyScript(args.targets),
                interpreter: ["/bin/sh", "-c"],
                triggers: args.targets.map((t) => `${t.name}=${t.image}`),
            },
            this.child({ dependsOn: args.after }),
        );
        this.registerOutputs({});
    }
}
