import { createHash } from "crypto";

// Deterministic stand-ins for what real providers compute, so plans are byte-identical and wiring
// (addresses, ids) can be asserted. Addresses come from the documentation ranges (RFC 5737 / RFC 3849).

function hashInt(text: string, modulo: number): number {
    return parseInt(createHash("sha256").update(text).digest("hex").slice(0, 8), 16) % modulo;
}

export function fakeIpv4(seed: string): string {
    return `203.0.113.${1 + hashInt(seed, 253)}`;
}

export function fakeIpv6(seed: string): string {
    return `2001:db8::${hashInt(seed, 0xfffe).toString(16)}`;
}

export function fakeId(type: string, name: string): string {
    return `${name}-${hashInt(`${type}/${name}`, 0xffffff).toString(16).padStart(6, "0")}`;
}

type State = Record<string, unknown>;

/** The @pulumi/random resources whose `result` is a generated value. */
export const isGenerated = (type: string): boolean =>
    type === "random:index/randomPassword:RandomPassword" ||
    type === "random:index/randomString:RandomString";

/** The stand-in value the recording mocks give each generated value of `recorded`, by the resource's name. */
export function generatedStandIns(
    recorded: readonly { type: string; name: string; inputs: State }[],
): Map<string, string> {
    return new Map(
        recorded
            .filter((r) => isGenerated(r.type))
            .map((r) => [r.name, String(fakeOutputs(r.type, r.name, r.inputs).result)]),
    );
}

/** Outputs a real provider would add for a resource type, on top of its inputs. */
export function fakeOutputs(type: string, name: string, inputs: State): State {
    switch (type) {
        case "random:index/randomPassword:RandomPassword":
        case "random:index/randomString:RandomString":
            return {
                result: `mock-${name}-${"x".repeat(Math.max(0, Number(inputs.length ?? 16) - name.length - 6))}`,
            };
        case "openstack:compute/instance:Instance":
            return { accessIpV4: fakeIpv4(`v4/${name}`), accessIpV6: fakeIpv6(`v6/${name}`) };
        case "openstack:networking/floatingIp:FloatingIp":
            return { address: inputs.address ?? fakeIpv4(`fip/${name}`) };
        case "openstack:networking/port:Port":
            return { allFixedIps: [fakeIpv4(`port/${name}`), fakeIpv6(`port6/${name}`)] };
        case "openstack:blockstorage/volume:Volume":
            return { attachments: [] };
        case "command:local:Command":
        case "command:remote:Command":
            return { stdout: "", stderr: "" };
        default:
            return {};
    }
}

/** Results of provider functions (invokes) that the program calls. */
export function fakeInvoke(token: string, inputs: State): State {
    switch (token) {
        case "openstack:images/getImage:getImage":
            return { id: `image-${String(inputs.name ?? "any")}`, name: inputs.name, ...inputs };
        case "openstack:networking/getNetwork:getNetwork":
            return { id: `network-${String(inputs.name ?? "any")}`, name: inputs.name, ...inputs };
        case "openstack:compute/getFlavor:getFlavor":
            return { id: `flavor-${String(inputs.name ?? "any")}`, name: inputs.name, ...inputs };
        case "openstack:dns/getDnsZone:getDnsZone":
            return { id: `zone-${String(inputs.name ?? "any")}`, ...inputs };
        default:
            return { ...inputs };
    }
}
