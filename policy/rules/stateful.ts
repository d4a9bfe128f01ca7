import { parseImageRef } from "../../components/shared/imageRef";
import { containersOf, describe, kindOf, podSpecOf } from "./k8s";
import { Obj, Rule, isObj } from "./types";

/** Policy configuration that can make a stack production for the pack. */
export interface ProductionConfig {
    /**
     * `true` (e.g. `--policy-pack-config`) checks any stack as production. `false` changes nothing: a production
     * stack is production by its name (components/config/identity.ts), and no pack config lowers its rules.
     */
    production?: boolean;
}

/** The stack name in a URN (`urn:pulumi:<stack>::<project>::<type>::<name>`). */
export function stackOf(urn: string): string | undefined {
    return /^urn:pulumi:([^:]+)::/.exec(urn)?.[1];
}

/**
 * Whether the stack of `urn` is production: `stackIsProduction` of the stack named in the URN (policy/tier.ts: by
 * name, as the program decides), or the policy config's `production: true`.
 */
export function isProduction(
    urn: string,
    config: ProductionConfig,
    stackIsProduction: (stack: string) => boolean,
): boolean {
    return config.production === true || stackIsProduction(stackOf(urn) ?? "");
}

/** Image repositories of databases, matched on the last path segment (`quay.io/sclorg/postgresql-15-c9s`). */
const DATABASE_IMAGE = /^(postgres|postgresql|mysql|mariadb|mongo|mongodb|dgraph)([-_.].*)?$/;

export function isDatabaseImage(image: string): boolean {
    const { repository } = parseImageRef(image);
    return DATABASE_IMAGE.test(repository.slice(repository.lastIndexOf("/") + 1));
}

/** What makes a resource hold state that a delete would lose, or undefined when it holds none. */
export function statefulReason(type: string, props: Obj): string | undefined {
    const kind = kindOf(type);
    if (kind === "PersistentVolumeClaim" || kind === "PersistentVolume") return `is a ${kind}`;
    // Deleting a namespace makes its controller delete every claim inside, retained or not.
    if (kind === "Namespace") return "is a Namespace (deleting it deletes every claim inside it)";
    if (/^openstack:blockstorage\/volume(V\d)?:Volume(V\d)?$/.test(type)) return "is a block storage volume";
    if (type === "openstack:dns/zone:Zone") return "is a DNS zone";
    if (kind === "StatefulSet" && isObj(props.spec)) {
        const policy = isObj(props.spec.persistentVolumeClaimRetentionPolicy)
            ? props.spec.persistentVolumeClaimRetentionPolicy
            : {};
        const templates = Array.isArray(props.spec.volumeClaimTemplates)
            ? props.spec.volumeClaimTemplates
            : [];
        if (templates.length > 0 && policy.whenDeleted === "Delete") {
            return "deletes its volume claims with it (persistentVolumeClaimRetentionPolicy.whenDeleted: Delete)";
        }
    }
    const pod = podSpecOf(type, props);
    if (pod && (kind === "Deployment" || kind === "StatefulSet")) {
        const db = containersOf(pod).find(
            (c) => typeof c.container.image === "string" && isDatabaseImage(c.container.image),
        );
        if (db) return `runs a database (container "${db.name}", image ${String(db.container.image)})`;
    }
    return undefined;
}

/**
 * In production, stateful resources (volumes, claims, databases, DNS zones) are protected, so a removed config
 * entry or `pulumi destroy` fails instead of deleting data. Stacks of another tier are exempt.
 */
export const statefulProtected: Rule = {
    name: "stateful-protected-in-prod",
    description: "In production, Namespaces, PVCs, volumes, databases and DNS zones have protect: true.",
    configSchema: {
        properties: {
            production: {
                type: "boolean",
                description: "true: check the stack as production whatever its name (false changes nothing).",
            },
        },
    },
    check({ type, props, protect }, context) {
        if (!context.production || protect) return [];
        const reason = statefulReason(type, props);
        if (!reason) return [];
        const where = type.startsWith("kubernetes:") ? describe(type, props) : type;
        return [
            `${where} ${reason} but is not protected in production; create it with statefulOptions(ctx.protectStateful)`,
        ];
    },
};
