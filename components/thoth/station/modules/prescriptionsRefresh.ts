import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { loadFacts } from "../../../shared/facts";
import { KubernetesContext } from "../../../config/system";
import { SystemArgs, SystemPart } from "../../../config/systemComponent";
import { ThothSection } from "../../config";
import { EnvMap, toEnvVars } from "../../../shared/env";
import { AccountHandle, HandleMount } from "../../../shared/handles";
import { ImageStream, internalRegistryImage } from "../../../shared/imagestream";
import { standardLabels } from "../../../shared/labels";
import { fixedSize, toResourceRequirements } from "../../../shared/resources";
import { containerSecurityContext, podSecurityContext } from "../../../shared/security";
import type { Platform } from "../../../shared/platform";
import { mountedVolumes } from "../../../shared/volumes";
import { thothApp } from "../../identity";
import { keptFor } from "./argoWorkflow";
import { StationReads } from "../stationEnv";

// prescriptions-refresh-job: six Argo CronWorkflows in the backend namespace, all suspended in both environments
// (thoth-station.md §3.4, §4.2 ConfigMap prescriptions-refresh-job, §5.1 Secrets kebechet and prescriptions).
//
// What the image needs to run a step at all (thoth-station/prescriptions-refresh-job v0.8.0, read in
// facts/evidence/thoth/prescriptions-refresh-job@v0.8.0.yaml): app.sh runs the subcommand THOTH_PRESCRIPTIONS_REFRESH_SUBCOMMAND names and
// exits 1 without one (app.sh:7-12); every handler opens GitHub with THOTH_PRESCRIPTIONS_REFRESH_GITHUB_TOKEN
// (prescriptions.py:96-99 raises without it) and the App key at GITHUB_PRIVATE_KEY_PATH (prescriptions.py:90). Those
// three are set as the reference's CronWorkflows set them (thoth-application@f2cf35f
// prescriptions-refresh-job/base/argo-workflows/*.yaml).
//
// NOT set yet (each a setting the handlers default without):
// - the env names of the ConfigMap keys the module reads (thoth: deployment-name, logging-no-json,
//   postgresql-host; prescriptions-refresh-job: all five keys), the labels, repository, debug and randomize switches,
//   and GIT_SSH_COMMAND (the reference's relaxed host key check for the SSH clone of the prescriptions repository);
// - whether a multi-step entrypoint (gh, pypi) runs its steps one after another or in parallel: they run in the
//   order the reference lists them, one at a time.
// Also missing before one is resumed: the backend namespace's full Secret kebechet (ssh-privatekey,
// KEBBHUT_GITHUB_PRIVATE_KEY, GITHUB_APP_ID, ...), which kebechet's overlay generated with ksops; this program
// creates only infra's one-key copy (stationSecrets.ts), so a resumed run would not start.

/** The ImageStream (and its tag) the CronWorkflows run, as the reference renders them. */
export const PRESCRIPTIONS_STREAM = { name: "prescriptions-refresh-job", tag: "latest" } as const;
/** Where the Google service-account JSON of Secret prescriptions is mounted, and the file it becomes. */
export const GOOGLE_CREDENTIALS_DIR = "/tmp/google-app-config";
export const GOOGLE_CREDENTIALS_FILE = "prescriptions-4cfa295278d8.json";
const GOOGLE_CREDENTIALS_KEY = "thoth-prescriptions-refresh-4cfa295278d8.json";

/** One container step of a prescriptions refresh. */
const refreshStepSchema = z.strictObject({
    /** Template name, e.g. `gh-link`; in a steps entrypoint the step is named after what follows `<entrypoint>-`. */
    template: z.string(),
    /** Requests = limits. */
    cpu: z.string(),
    memory: z.string(),
    /** Reads Secret prescriptions `quay-token` as THOTH_PRESCRIPTIONS_REFRESH_QUAY_TOKEN. */
    quayToken: z.boolean().optional(),
    /** Reads the Google service-account JSON of Secret prescriptions (GOOGLE_APPLICATION_CREDENTIALS). */
    googleCredentials: z.boolean().optional(),
    /** The image's subcommand (cli.py), when it is not the template's name. */
    subcommand: z.string().optional(),
});
export type RefreshStep = z.infer<typeof refreshStepSchema>;

/** One CronWorkflow: its name, entrypoint and container steps (one step: the entrypoint is that container). */
const refreshWorkflowSchema = z.strictObject({
    name: z.string(),
    entrypoint: z.string(),
    steps: z.array(refreshStepSchema),
});
export type RefreshWorkflow = z.infer<typeof refreshWorkflowSchema>;
const refreshWorkflowsFile = z.strictObject({ workflows: z.array(refreshWorkflowSchema) });

/** The six CronWorkflows of thoth-station.md §3.4 (same in stage and test): facts/thoth/prescriptions-refresh.yaml. */
export function prescriptionsRefreshPlans(): RefreshWorkflow[] {
    return loadFacts(
        "facts/thoth/prescriptions-refresh.yaml",
        refreshWorkflowsFile,
        "a list of prescriptions-refresh CronWorkflows",
    ).workflows;
}

const GITHUB_KEY_DIR = "/opt/app-root/src/.github";
const GITHUB_KEY_FILE = "github-privatekey";

/**
 * What a step mounts: Secret kebechet's SSH key (as `id_rsa`, 0600) and GitHub App key, which every step mounts, and
 * Secret prescriptions' Google credentials for the steps that read them.
 */
function stepMounts(s: RefreshStep, reads: StationReads): HandleMount[] {
    const kebechet = reads.secret("kebechet");
    return [
        kebechet.mount("/opt/app-root/src/.ssh", {
            volume: "ssh-config",
            items: [{ key: "ssh-privatekey", path: "id_rsa", mode: 0o600 }],
            readOnly: true,
        }),
        kebechet.mount(GITHUB_KEY_DIR, {
            volume: "github-app-privatekey",
            items: [{ key: "KEBBHUT_GITHUB_PRIVATE_KEY", path: GITHUB_KEY_FILE }],
            readOnly: true,
        }),
        ...(s.googleCredentials
            ? [
                  reads.secret("prescriptions").mount(GOOGLE_CREDENTIALS_DIR, {
                      volume: "google-app-config",
                      items: [{ key: GOOGLE_CREDENTIALS_KEY, path: GOOGLE_CREDENTIALS_FILE }],
                      readOnly: true,
                  }),
              ]
            : []),
    ];
}

/** Where the GitHub App's key is, as {@link stepMounts} mounts it. */
export const GITHUB_PRIVATE_KEY_PATH = `${GITHUB_KEY_DIR}/${GITHUB_KEY_FILE}`;

/** The env a step gets (see the note at the top). */
export function stepEnv(s: RefreshStep, reads: StationReads): EnvMap {
    return {
        THOTH_PRESCRIPTIONS_REFRESH_SUBCOMMAND: s.subcommand ?? s.template,
        THOTH_PRESCRIPTIONS_REFRESH_GITHUB_TOKEN: reads.secret("kebechet").env("github-oauth-token"),
        // Secret kebechet's GITHUB_APP_ID, which the reference lists for the CronWorkflows as a whole.
        GITHUB_APP_ID: reads.secret("kebechet").env("GITHUB_APP_ID"),
        GITHUB_PRIVATE_KEY_PATH,
        ...(s.quayToken
            ? { THOTH_PRESCRIPTIONS_REFRESH_QUAY_TOKEN: reads.secret("prescriptions").env("quay-token") }
            : {}),
        ...(s.googleCredentials
            ? { GOOGLE_APPLICATION_CREDENTIALS: `${GOOGLE_CREDENTIALS_DIR}/${GOOGLE_CREDENTIALS_FILE}` }
            : {}),
    };
}

/** Seconds a finished Workflow is kept, whatever its outcome. */
const TTL_SECONDS = 300;

/**
 * The CronWorkflow object of one row (pure): suspended, one run at a time, as `argo`, finished Workflows deleted
 * after {@link TTL_SECONDS}.
 */
export function cronWorkflowObject(
    plan: RefreshWorkflow,
    where: {
        /** The namespace, or its name from its Namespace (the CronWorkflow is made after it). */
        namespace: pulumi.Input<string>;
        /** The image, or its address through the ImageStream's own name (the CronWorkflow is made after it). */
        image: pulumi.Input<string>;
        labels: Record<string, string>;
        platform: Platform;
        /** The station's Secrets of the namespace (kebechet, prescriptions). */
        reads: StationReads;
        /** The account the Workflows run as (`argo` of the namespace's Argo install). */
        account: AccountHandle;
    },
): { apiVersion: string; kind: string; metadata: Record<string, unknown>; spec: Record<string, unknown> } {
    const mounts = plan.steps.map((s) => stepMounts(s, where.reads));
    const containers = plan.steps.map((s, i) => ({
        name: s.template,
        container: {
            image: where.image,
            env: toEnvVars(stepEnv(s, where.reads)),
            resources: toResourceRequirements(fixedSize(s.cpu, s.memory)),
            volumeMounts: mounts[i].map((m) => m.mount),
            securityContext: containerSecurityContext(),
        },
    }));
    const single = plan.steps.length === 1 && plan.steps[0].template === plan.entrypoint;
    const prefix = `${plan.entrypoint}-`;
    const entry = single
        ? []
        : [
              {
                  name: plan.entrypoint,
                  steps: plan.steps.map((s) => [
                      {
                          name: s.template.startsWith(prefix) ? s.template.slice(prefix.length) : s.template,
                          template: s.template,
                      },
                  ]),
              },
          ];
    return {
        apiVersion: "argoproj.io/v1alpha1",
        kind: "CronWorkflow",
        metadata: { name: plan.name, namespace: where.namespace, labels: where.labels },
        spec: {
            schedule: "@weekly",
            suspend: true,
            concurrencyPolicy: "Forbid",
            workflowSpec: {
                serviceAccountName: where.account.name,
                entrypoint: plan.entrypoint,
                // Non-root like every other station pod (restricted SCC / Pod Security Standard).
                securityContext: podSecurityContext(where.platform),
                ttlStrategy: keptFor(TTL_SECONDS),
                // The steps' volumes, once each (every step mounts kebechet's).
                volumes: mountedVolumes(mounts.flat(), undefined) ?? [],
                templates: [...entry, ...containers],
            },
        },
    };
}

export interface PrescriptionsRefreshArgs extends SystemArgs<ThothSection, KubernetesContext> {
    /** The backend tier's namespace (test: thoth-test-core), which holds Secrets kebechet and prescriptions. */
    namespace: string;
    /** Its name from its Namespace: the objects placed with it are made after it. */
    namespaceRef: pulumi.Output<string>;
    /** The pinned image ImageStream `prescriptions-refresh-job:latest` imports. */
    image: string;
    /** The station's Secrets of the namespace. */
    reads: StationReads;
    /** Account `argo` of the namespace's Argo install, which the Workflows run as. */
    account: AccountHandle;
}

/**
 * prescriptions-refresh-job: ImageStream `prescriptions-refresh-job` (tag `latest` importing the pinned image,
 * pulled through the integrated registry) and its six CronWorkflows, all suspended as in the reference. Its
 * ConfigMap and Secret are station configuration (sharedConfig.ts, stationSecrets.ts). On plain Kubernetes there
 * are no ImageStreams: the CronWorkflows run the pinned image itself.
 */
export class PrescriptionsRefresh extends SystemPart<ThothSection, KubernetesContext> {
    constructor(name: string, args: PrescriptionsRefreshArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:thoth:PrescriptionsRefresh", name, args, opts);
        const namespace = args.namespace;
        const cluster = this.context.cluster;
        const openshift = cluster.platform === "openshift";
        let image: pulumi.Input<string> = args.image;
        if (openshift) {
            const stream = new ImageStream(
                this.childName("imagestream"),
                {
                    namespace: args.namespaceRef,
                    name: PRESCRIPTIONS_STREAM.name,
                    app: thothApp(PRESCRIPTIONS_STREAM.name, "image", args.image),
                    tag: PRESCRIPTIONS_STREAM.tag,
                    from: args.image,
                    scheduled: false,
                    referencePolicy: "Local",
                },
                this.child(),
            );
            // Pulled through the integrated registry, named through the ImageStream: the CronWorkflows come after it.
            image = stream.metadata.name.apply((name) =>
                internalRegistryImage(namespace, name, PRESCRIPTIONS_STREAM.tag),
            );
        }
        const objects = prescriptionsRefreshPlans().map((plan) =>
            cronWorkflowObject(plan, {
                namespace: args.namespaceRef,
                image,
                labels: standardLabels(thothApp(plan.name, "job", args.image)),
                platform: cluster.platform,
                reads: args.reads,
                account: args.account,
            }),
        );
        for (const object of objects) {
            new k8s.apiextensions.CustomResource(
                this.childName(String(object.metadata.name)),
                object,
                this.child(),
            );
        }
        this.registerOutputs({});
    }
}
