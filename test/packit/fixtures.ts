import { operatorDigest } from "../placeholders";
import { strict as assert } from "assert";
import { Objects, Registered, stackSections, stackValues, liveStackFile } from "../harness";
import { stackPlan } from "../fixtures/plans";
import { SystemFixture, Values as SystemValues } from "../fixtures/system";
import { packit, stream } from "../../components/packit";
import { COMPONENTS, Component, PackitConfig, packitSchema } from "../../components/packit/config";
import { packitSecretSpecs } from "../../components/packit/secrets";

export type Stack = "stage" | "prod";
export type Values = Record<string, unknown> & { packit: PackitSection; stream: PackitSection };
/** A section as written in the stack file (before defaults). */
export type PackitSection = Record<string, unknown> & {
    components?: Record<string, boolean>;
    workers: Record<string, unknown>;
    postgres: Record<string, unknown>;
    images: Record<string, unknown>;
    tls: { certificateNames: string[] };
    hosts?: Record<string, string>;
};

/** Switches on exactly the components `on` of a section, and every other one off. */
export function onlyComponents(section: PackitSection, on: Iterable<Component>): void {
    const kept = new Set(on);
    section.components = Object.fromEntries(COMPONENTS.map((c) => [c, kept.has(c)]));
}

/** The packit systems only, so other systems' config and secrets cannot break these tests. */
export const PACKIT_SYSTEMS = [packit, stream];

/** The committed stack config of the two Packit sections (plus what the program itself needs). */
export function packitValues(stack: Stack): Values {
    return stackSections(stack, ["tier", "clusters", "packit", "stream"]) as Values;
}

/** A recognisable value for every secret the configuration declares. */
export function secretsFor(values: Values): Record<string, string> {
    const secrets: Record<string, string> = { "kubeconfig-packit-auto": "apiVersion: v1\nkind: Config\n" };
    for (const section of ["packit", "stream"] as const) {
        if (!values[section]) continue;
        const config: PackitConfig = packitSchema.parse(values[section]);
        for (const spec of packitSecretSpecs(section, config)) {
            secrets[spec.key] = `SECRET<${spec.key}>`;
        }
    }
    return secrets;
}

/** The Packit sections of values that {@link PACKIT} or {@link PACKIT_ALONE} keep, typed as their stack file holds them. */
export function packitSections(values: SystemValues): Values {
    return values as Values;
}

/** Packit and Stream in test/fixtures/system.ts: their sections, the program-level ones, only their systems. */
export const PACKIT: SystemFixture = {
    sections: ["tier", "clusters", "packit", "stream"],
    systems: PACKIT_SYSTEMS,
    secrets: (values) => secretsFor(values as Values),
};

/**
 * The packit service alone, without stream's section: for a test whose change and assertions are packit's only, so
 * an evaluation registers half the resources (the cost of an evaluation is its resources). Tests that compare the two
 * services, or assert something of every object, keep {@link PACKIT}.
 */
export const PACKIT_ALONE: SystemFixture = {
    sections: ["tier", "clusters", "packit"],
    systems: [packit],
    secrets: (values) => secretsFor(values as Values),
};

/**
 * Every optional component on in both services (the debugging tools), and packit's database in the middle of a major
 * upgrade when `upgrade` is set: the largest deployment a stack can ask for.
 */
export function everyComponentOn(values: Values, { upgrade }: { upgrade: boolean }): void {
    for (const section of [values.packit, values.stream]) {
        section.components = { ...section.components, redisCommander: true, flower: true };
    }
    if (upgrade)
        values.packit.postgres.previous = {
            version: 13,
            image: `quay.io/sclorg/postgresql-13-c9s@${operatorDigest("quay.io/sclorg/postgresql-13-c9s:c9s")}`,
        };
}

/**
 * The paths of the two Packit sections that hold an operator placeholder in each committed stack: the plan renders
 * the placeholder where a test's evaluation has the operator's value (test/placeholders.ts).
 */
const PLACEHOLDERS: Record<Stack, readonly string[]> = {
    // The adopted database's claim: read its PersistentVolumeClaim, or the database server mounting it, by evaluating;
    // on prod also every image no source confirms, pinned by the digest running today (components/shared/confirmedImages.ts).
    stage: ["packit.postgres.claimName", "stream.postgres.claimName"],
    prod: [
        ...["cli", "redis", "pushgateway", "nginx", "flower", "redisCommander"].map(
            (k) => `packit.images.${k}`,
        ),
        "packit.postgres.image",
        "packit.postgres.claimName",
        ...["cli", "redis", "pushgateway", "nginx", "flower", "redisCommander", "pins"].map(
            (k) => `stream.images.${k}`,
        ),
        "stream.postgres.image",
        "stream.postgres.claimName",
    ],
};

/** The paths below `path` where `raw` and `filled` differ. */
function differences(raw: unknown, filled: unknown, path: string): string[] {
    if (JSON.stringify(raw) === JSON.stringify(filled)) return [];
    if (typeof raw !== "object" || typeof filled !== "object" || raw === null || filled === null)
        return [path];
    const keys = new Set([...Object.keys(raw), ...Object.keys(filled)]);
    return [...keys].flatMap((k) =>
        differences(
            (raw as Record<string, unknown>)[k],
            (filled as Record<string, unknown>)[k],
            `${path}.${k}`,
        ),
    );
}

/**
 * Packit's and Stream's objects in a committed stack, from the plan the run's global setup made: no evaluation. The
 * plan registers what a test's evaluation of the two sections would, except what comes from an operator placeholder
 * (see PLACEHOLDERS; this checks that premise) and the secrets' plain text, which the plan masks.
 */
export async function committedObjects(stack: Stack): Promise<Objects> {
    const raw = liveStackFile(stack).values;
    const filled = stackValues(stack);
    assert.deepEqual(
        ["packit", "stream"].flatMap((s) => differences(raw[s], filled[s], s)),
        PLACEHOLDERS[stack],
        `the operator placeholders of ${stack}'s Packit sections`,
    );
    const { resources } = await stackPlan(stack);
    const ours = resources.filter((r) => r.system === "packit" || r.system === "stream");
    assert.ok(ours.length > 100, `the ${stack} plan has Packit's objects (${ours.length})`);
    return new Objects(ours);
}

/** Packit's and Stream's objects in the committed stage stack, which holds no operator placeholder (see above). */
export function committedStage(): Promise<Objects> {
    return committedObjects("stage");
}

export {
    DEPLOYMENT,
    STATEFULSET,
    CRONJOB,
    JOB,
    SERVICE,
    SECRET,
    CONFIGMAP,
    PVC,
    ROLE,
    ROLEBINDING,
    CLUSTERROLEBINDING,
    ROUTE,
    INGRESS,
    IMAGESTREAM,
} from "../fixtures/resourceTypes";

export interface EnvVar {
    name: string;
    value?: string;
    valueFrom?: { secretKeyRef?: { name: string; key: string }; fieldRef?: { fieldPath: string } };
}

interface Probe {
    httpGet?: { path: string; port: number };
    exec?: { command: string[] };
    tcpSocket?: { port: number };
}

/** The parts of a recorded container the tests read. */
export interface Container {
    name: string;
    image: string;
    command?: string[];
    env?: EnvVar[];
    ports?: { name: string; containerPort: number; protocol?: string }[];
    resources: { requests?: Record<string, string>; limits: Record<string, string> };
    securityContext: { allowPrivilegeEscalation?: boolean };
    volumeMounts?: { name: string; mountPath: string }[];
    readinessProbe?: Probe;
    livenessProbe?: Probe;
    startupProbe?: Probe;
}

export interface PodSpec {
    containers: Container[];
    volumes?: { name: string; secret?: { secretName: string; defaultMode?: number } }[];
    serviceAccountName?: string;
    terminationGracePeriodSeconds?: number;
}

/** The pod template of a Deployment/StatefulSet, or the job pod template of a CronJob. */
export function podSpec(r: Registered): PodSpec {
    const spec = r.inputs.spec as {
        jobTemplate?: { spec: { template: { spec: PodSpec } } };
        template?: { spec: PodSpec };
    };
    return spec.jobTemplate ? spec.jobTemplate.spec.template.spec : spec.template!.spec;
}

export function containers(r: Registered): Container[] {
    return podSpec(r).containers;
}

/** Env of the first container (or the named one), by variable name. */
export function envOf(r: Registered, container?: string): Record<string, EnvVar> {
    const c = container ? containers(r).find((x) => x.name === container) : containers(r)[0];
    return Object.fromEntries((c?.env ?? []).map((e) => [e.name, e]));
}
