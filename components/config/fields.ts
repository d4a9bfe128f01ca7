import { z } from "zod";
import {
    cidrProblem,
    cronProblem,
    dnsLabelProblem,
    dnsSubdomainProblem,
    ipProblem,
    portProblem,
} from "./checks";

// Field schemas shared by every section. Each carries an example so a bad value's error can print a fix.

/** A zod refinement from one of the shared checks in ./checks: the check's own reason is the message. */
export function checked<T>(check: (v: T) => string | undefined) {
    return (v: T, ctx: z.RefinementCtx<T>) => {
        const reason = check(v);
        if (reason) ctx.addIssue({ code: "custom", message: reason, input: v });
    };
}

/** A Kubernetes object name that must also be a DNS label (namespaces, services). */
export const k8sName = (example: string) =>
    z.string().superRefine(checked(dnsLabelProblem)).meta({ example });

/** A DNS host name, as used in Routes and Ingresses. */
export const hostName = (example: string) =>
    z.string().superRefine(checked(dnsSubdomainProblem)).meta({ example });

/** An IPv4 address. */
export const ipv4Address = (example: string) =>
    z
        .string()
        .superRefine(checked((v: string) => ipProblem(v, 4)))
        .meta({ example });

/** A CIDR block (IPv4 or IPv6). */
export const cidrBlock = (example: string) => z.string().superRefine(checked(cidrProblem)).meta({ example });

/** A TCP/UDP port. */
export const port = (example: number) =>
    z
        .number()
        .superRefine(checked(portProblem))
        .meta({ example: String(example) });

/** A container image reference with an explicit tag or digest: `latest` and untagged images drift silently. */
export const imageRef = (example: string) =>
    z
        .string()
        .regex(
            /^[a-z0-9.-]+(:[0-9]+)?\/[a-z0-9._/-]+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$/,
            "must be a full image reference with a tag or digest, e.g. quay.io/org/name:v1.2.3",
        )
        .refine((v) => !/:latest$/.test(v), "must not use the 'latest' tag: pin a version or digest")
        .meta({ example });

/** An image tag (or `sha256:` digest) appended to a repository from config. */
export const imageTag = (example: string) =>
    z
        .string()
        .regex(
            /^([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|sha256:[a-f0-9]{64})$/,
            "must be an image tag or sha256 digest",
        )
        .refine((v) => v !== "latest", "must not be 'latest': pin a version or digest")
        .meta({ example });

/** A Kubernetes resource quantity such as 500m, 1Gi or 2. */
export const quantity = (example: string) =>
    z
        .string()
        .regex(
            /^[0-9]+(\.[0-9]+)?(m|k|Ki|M|Mi|G|Gi|T|Ti|P|Pi|E|Ei)?$/,
            "must be a Kubernetes quantity such as 500m or 1Gi",
        )
        .meta({ example });

/** A CronJob schedule as Kubernetes accepts it: five cron fields (names such as TUE allowed) or a macro. */
export const cronSchedule = (example: string) =>
    z.string().superRefine(checked(cronProblem)).meta({ example });

export const replicas = (example: number) =>
    z
        .number()
        .int("must be a whole number")
        .min(0, "must not be negative")
        .meta({ example: String(example) });

export const positiveInt = (example: number) =>
    z
        .number()
        .int("must be a whole number")
        .min(1, "must be at least 1")
        .meta({ example: String(example) });

export const httpsUrl = (example: string) =>
    z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).meta({ example });

export const platform = z.enum(["openshift", "kubernetes"]).meta({ example: "openshift" });
export type Platform = z.infer<typeof platform>;
