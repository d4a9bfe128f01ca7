import { callysto } from "../../components/callysto";
import { CallystoConfig } from "../../components/callysto/config";
import { RecordedResource } from "../../tools/mocks/recorder";
import { Objects, stackValues } from "../harness";
import { SystemFixture, runSystem } from "../fixtures/system";

export const SECRETS = {
    "openstack-password": "os-password",
    "callysto-ssh-private-key":
        "-----BEGIN OPENSSH PRIVATE KEY-----\nsshkeymaterial\n-----END OPENSSH PRIVATE KEY-----",
    "callysto-designate-openrc": "export OS_PASSWORD=designate-secret",
};

/** A stack's real program-level and Callysto config, and nothing of the other systems. */
export function callystoValues(stack: "stage" | "prod"): Record<string, unknown> {
    const all = stackValues(stack);
    return { tier: all.tier, openstack: all.openstack, callysto: all.callysto };
}

/** The Callysto section of a stack, for tests that change it. */
export function section(values: Record<string, unknown>): CallystoConfig {
    return values.callysto as CallystoConfig;
}

/** Runs the program with only Callysto, on a stack's config changed by `edit`. */
export async function runCallysto(
    stack: "stage" | "prod",
    edit: (config: CallystoConfig) => void = () => undefined,
): Promise<RecordedResource[]> {
    return runSystem(CALLYSTO, stack, (values) => edit(section(values)));
}

/** Callysto in test/fixtures/system.ts: its section, the OpenStack settings, only Callysto. */
export const CALLYSTO: SystemFixture = {
    sections: ["tier", "openstack", "callysto"],
    systems: [callysto],
    secrets: () => SECRETS,
};

export const T = {
    instance: "openstack:compute/instance:Instance",
    volume: "openstack:blockstorage/volume:Volume",
    attach: "openstack:compute/volumeAttach:VolumeAttach",
    fip: "openstack:networking/floatingIp:FloatingIp",
    associate: "openstack:networking/floatingIpAssociate:FloatingIpAssociate",
    port: "openstack:networking/port:Port",
    group: "openstack:networking/secGroup:SecGroup",
    rule: "openstack:networking/secGroupRule:SecGroupRule",
    record: "openstack:dns/recordSet:RecordSet",
    zone: "openstack:dns/zone:Zone",
    keypair: "openstack:compute/keypair:Keypair",
    command: "command:local:Command",
} as const;

/** What one run registered, kept after the shared recorder moves on to the next test. */
export class Plan extends Objects<RecordedResource> {}

const plans = new Map<string, Promise<Plan>>();

/** The plan of a stack's unchanged config, run once per test process. */
export function stackPlan(stack: "stage" | "prod"): Promise<Plan> {
    if (!plans.has(stack)) {
        plans.set(
            stack,
            runCallysto(stack).then((resources) => new Plan([...resources])),
        );
    }
    return plans.get(stack)!;
}

/** The plan of a stack's config changed by `edit`. */
export async function editedPlan(
    stack: "stage" | "prod",
    edit: (config: CallystoConfig) => void,
): Promise<Plan> {
    return new Plan([...(await runCallysto(stack, edit))]);
}
