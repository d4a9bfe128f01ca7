import { strict as assert } from "assert";
import { callysto } from "../../components/callysto";
import { callystoCheck } from "../../components/callysto/checks";
import { CallystoConfig, CallystoSection } from "../../components/callysto/config";
import { RecordedResource } from "../../tools/mocks/recorder";
import { Objects, stackSections } from "../harness";
import { Stack, SystemFixture, Values, runSystem } from "../fixtures/system";
import { RecordedPlanResource, recordedResources, stackPlan as committedStackPlan } from "../fixtures/plans";

export const SECRETS = {
    "openstack-password": "os-password",
    "callysto-ssh-private-key":
        "-----BEGIN OPENSSH PRIVATE KEY-----\nsshkeymaterial\n-----END OPENSSH PRIVATE KEY-----",
    "callysto-designate-openrc": "export OS_PASSWORD=designate-secret",
    "callysto-ssp-salt": "ssp-salt-value",
    "callysto-ssp-admin-password": "ssp-admin-password-value",
    "callysto-ssp-refresh-key": "ssp-refresh-key-value",
    "callysto-ssp-saml-cert": "-----BEGIN CERTIFICATE-----\nsamlcert\n-----END CERTIFICATE-----",
    "callysto-ssp-saml-key": "-----BEGIN PRIVATE KEY-----\nsamlkey\n-----END PRIVATE KEY-----",
    "callysto-stats-password": "stats-password-value",
    "callysto-grafana-admin-password": "grafana-admin-password-value",
};

/** A stack's real program-level and Callysto config, and nothing of the other systems. */
export function callystoValues(stack: "stage" | "prod"): Record<string, unknown> {
    return stackSections(stack, ["tier", "openstack", "callysto"]);
}

/** The Callysto section of a stack, for tests that change it. */
export function section(values: Record<string, unknown>): CallystoConfig {
    return values.callysto as CallystoConfig;
}

/** A change of a stack's values (for runSystem) that edits its Callysto section. */
export function editing(edit: (config: CallystoConfig) => void): (values: Values) => void {
    return (values) => edit(section(values));
}

/** The section Callysto's check builds from `config` (what deploy, the parts and the notices read). */
export function checked(config: CallystoConfig): CallystoSection {
    const result = callystoCheck(config);
    assert.ok(result.section, `the check rejects the configuration: ${JSON.stringify(result.problems)}`);
    return result.section;
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

/**
 * The evaluations of each stack's unchanged config for the cases of one test file: each made once, by the first case
 * that reads it. A file calls this at its top level, so every file evaluates for itself and no case depends on another
 * file (or another case) having run first in the same worker.
 */
export function unchangedPlans(): (stack: "stage" | "prod") => Promise<Plan> {
    const plans = new Map<string, Promise<Plan>>();
    return (stack) => {
        let plan = plans.get(stack);
        if (!plan) {
            plan = runSystem(CALLYSTO, stack).then((resources) => new Plan([...resources]));
            plans.set(stack, plan);
        }
        return plan;
    };
}

/**
 * Callysto's objects in the plan of a committed stack that the run's global setup made: no evaluation. That plan is of
 * the stack file as committed, so its operator placeholders (the keypair's public key, the SSH sources, the ids of
 * adopted objects) are unset and its secrets are placeholders, masked in `inputs`; a case reads it only for what
 * none of those decide (which objects exist, their names, ordering and plain settings).
 */
export async function committedPlan(stack: "stage" | "prod"): Promise<Objects<RecordedPlanResource>> {
    const ours = recordedResources(await committedStackPlan(stack)).filter((r) => r.system === "callysto");
    assert.ok(ours.length > 15, `the ${stack} plan has Callysto's objects (${ours.length})`);
    return new Objects(ours);
}

/** What one evaluation (runSystem) registered, kept as a {@link Plan}. */
export async function planOf(run: Promise<readonly RecordedResource[]>): Promise<Plan> {
    return new Plan([...(await run)]);
}

/** `stack` evaluated with Callysto's config changed by `edit`, as a {@link Plan}. */
export function planEdited(stack: Stack, edit: (config: CallystoConfig) => void): Promise<Plan> {
    return planOf(runSystem(CALLYSTO, stack, editing(edit)));
}

/**
 * Stage changed by `edit`, without the packer security group: a group no host, certificate or playbook run uses, so
 * the cases that compare such evaluations see nothing that comes from it or is hidden by it.
 */
export function stageWithoutPacker(edit: (c: CallystoConfig) => void = () => undefined): Promise<Plan> {
    return planEdited("stage", (c) => {
        c.packerSecurityGroup = false;
        edit(c);
    });
}
