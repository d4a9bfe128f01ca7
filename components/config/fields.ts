import { z } from "zod";

// Field schemas shared by every section. Each carries an example so a bad value's error can print a fix.

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A Kubernetes object name that must also be a DNS label (namespaces, services). */
export const k8sName = (example: string) =>
    z
        .string()
        .max(63, "must be at most 63 characters (a Kubernetes DNS label)")
        .regex(
            DNS_LABEL,
            "must be a DNS label: lower-case letters, digits and '-', starting and ending alphanumeric",
        )
        .meta({ example });

/** A DNS host name, as used in Routes and Ingresses. */
export const hostName = (example: string) =>
    z
        .string()
        .max(253)
        .regex(DNS_SUBDOMAIN, "must be a lower-case DNS name such as example.com")
        .meta({ example });

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

const CRON_FIELD = /^(\*|[0-9]+(-[0-9]+)?)(\/[0-9]+)?(,(\*|[0-9]+(-[0-9]+)?)(\/[0-9]+)?)*$/;
const CRON_MACROS = ["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];

/** A CronJob schedule: five cron fields or one of Kubernetes' macros. */
export const cronSchedule = (example: string) =>
    z
        .string()
        .refine(
            (v) =>
                CRON_MACROS.includes(v) ||
                (v.trim().split(/\s+/).length === 5 &&
                    v
                        .trim()
                        .split(/\s+/)
                        .every((f) => CRON_FIELD.test(f))),
            "must be a cron schedule with five fields (e.g. '*/20 * * * *') or a macro such as @daily",
        )
        .meta({ example });

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
