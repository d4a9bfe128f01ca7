import { z } from "zod";
import {
    INT32_MAX,
    cidrProblem,
    cronProblem,
    dnsSubdomainProblem,
    hostPortListProblem,
    ipProblem,
    portProblem,
    quantityProblem,
} from "./checks";
import { dnsLabelProblem } from "../shared/naming";

// Field schemas shared by every section. Each carries an example: what a broken field is read as, so the section's
// other checks still run in the same pass (never printed: an example namespace is some system's namespace).

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

/** `host:port[,host:port...]`: Kafka bootstrap servers. */
export const hostPortList = (example: string) =>
    z.string().superRefine(checked(hostPortListProblem)).meta({ example });

/** One `host:port`: an API server. */
export const hostPort = (example: string) =>
    z
        .string()
        .superRefine(
            checked((v: string) => (v.includes(",") ? "must be one host:port" : hostPortListProblem(v))),
        )
        .meta({ example });

export const ipv4Address = (example: string) =>
    z
        .string()
        .superRefine(checked((v: string) => ipProblem(v, 4)))
        .meta({ example });

export const cidrBlock = (example: string) => z.string().superRefine(checked(cidrProblem)).meta({ example });

export const port = (example: number) =>
    z
        .number()
        .superRefine(checked(portProblem))
        .meta({ example: String(example) });

/** Sizes in GB of OpenStack volumes and quotas: whole, positive, within the API's int32. */
export const gigabytes = (example: number) =>
    z
        .number()
        .int("must be a whole number of GB")
        .min(1, "must be at least 1 GB (a volume of 0 GB is refused)")
        .max(INT32_MAX, `must be at most ${INT32_MAX} GB`)
        .meta({ example: String(example) });

export const FULL_IMAGE_REFERENCE =
    /^[a-z0-9.-]+(:[0-9]+)?\/[a-z0-9._/-]+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$/;

/** A container image reference with an explicit tag or digest: `latest` and untagged images drift silently. */
export const imageRef = (example: string) =>
    z
        .string()
        .regex(
            FULL_IMAGE_REFERENCE,
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

/** A Kubernetes resource quantity such as 500m, 1Gi or 2, greater than zero. */
export const quantity = (example: string) =>
    z.string().superRefine(checked(quantityProblem)).meta({ example });

/** A CronJob schedule as Kubernetes accepts it: five cron fields (names such as TUE allowed) or a macro. */
export const cronSchedule = (example: string) =>
    z.string().superRefine(checked(cronProblem)).meta({ example });

/** A whole number from `min` up to the API's int32 top, like every count and duration field of Kubernetes. */
const int32From = (min: number, tooSmall: string) => (example: number) =>
    z
        .number()
        .int("must be a whole number")
        .min(min, tooSmall)
        .max(INT32_MAX, `must be at most ${INT32_MAX} (the API's 32-bit integer)`)
        .meta({ example: String(example) });

/** A replica count: the API's int32, not negative. */
export const replicas = int32From(0, "must not be negative");

/** A count or a duration that must be at least 1. */
export const positiveInt = int32From(1, "must be at least 1");

export const httpsUrl = (example: string) =>
    z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).meta({ example });
