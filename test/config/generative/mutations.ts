import fc from "fast-check";
import { Document, isMap, isScalar, isSeq, parseDocument } from "yaml";
import { PROD, STAGE, edit } from "../battery";

// Mutations of the committed stack files, the kinds of mistakes a new user makes and the kinds an attacker tries:
// each one a small edit of a real file, so every other part of the file stays valid and the guard is tested on the
// mistake, not on a toy file.

export type Path = (string | number)[];

/** One generated stack file: its text, the stack it is checked as, and what the mutations put in it. */
export interface Mutant {
    stack: "stage" | "prod";
    text: string;
    /** What was done, to read a failure (and replay it with the seed). */
    steps: string[];
    /** A credential was pasted into a plain value: accepting the file is a failure. */
    credential: boolean;
    /**
     * Each step alone, where the steps edit different sections (none the clusters'): one run of all of them must
     * name every problem each one alone has in its own section.
     */
    alone: { section: string; text: string }[];
}

interface Leaf {
    path: Path;
    value: unknown;
}

/** Every scalar of a stack file's `config:` (paths as the yaml library's setIn reads them). */
function leaves(text: string): Leaf[] {
    const doc = parseDocument(text);
    const out: Leaf[] = [];
    const walk = (node: unknown, path: Path): void => {
        if (isMap(node)) {
            for (const pair of node.items) {
                if (isScalar(pair.key)) walk(pair.value, [...path, String(pair.key.value)]);
            }
        } else if (isSeq(node)) {
            node.items.forEach((item, i) => walk(item, [...path, i]));
        } else if (isScalar(node)) {
            out.push({ path, value: node.value });
        }
    };
    walk(doc.get("config", true), ["config"]);
    return out;
}

/** Every collection (map or list) of a stack file's config, for list/map swaps. */
function collections(text: string): Path[] {
    const doc = parseDocument(text);
    const out: Path[] = [];
    const walk = (node: unknown, path: Path): void => {
        if (isMap(node) || isSeq(node)) {
            if (path.length > 2) out.push(path);
            const items = isMap(node)
                ? node.items.map((p) => [isScalar(p.key) ? String(p.key.value) : "", p.value] as const)
                : node.items.map((v, i) => [i, v] as const);
            for (const [k, v] of items) walk(v, [...path, k]);
        }
    };
    walk(doc.get("config", true), ["config"]);
    return out;
}

const FILES = { stage: STAGE, prod: PROD } as const;
const LEAVES = { stage: leaves(STAGE), prod: leaves(PROD) };
const COLLECTIONS = { stage: collections(STAGE), prod: collections(PROD) };
const STRING_LEAVES = {
    stage: LEAVES.stage.filter((l) => typeof l.value === "string"),
    prod: LEAVES.prod.filter((l) => typeof l.value === "string"),
};
const BOOL_LEAVES = {
    stage: LEAVES.stage.filter((l) => typeof l.value === "boolean"),
    prod: LEAVES.prod.filter((l) => typeof l.value === "boolean"),
};

// Tokens assembled from parts, so no scanner mistakes this file for a leak.
const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
export const CREDENTIALS = [
    `${b64({ alg: "RS256", typ: "JWT" })}.${b64({ sub: "system:serviceaccount:x:y" })}.${"Zm9vYmFy".repeat(5)}`,
    `ghp_${"A1b2C3d4E5".repeat(3)}F6g7H8`,
    `AKIA${"QYLPMN5HHHFPZAM2"}`,
    `-----BEGIN OPENSSH ${"PRIVATE"} KEY-----\n${"b3BlbnNzaC1rZXktdjEAAAAA".repeat(4)}\n-----END OPENSSH ${"PRIVATE"} KEY-----`,
    `postgres://packit:${"s3cr3tPassw0rd"}@postgres:5432/packit`,
];
const SECRET_KEYS = ["db_password", "aws_secret_access_key", "api_token", "ssh_private_key", "client_secret"];

/** Characters that look like nothing, control a terminal, or look like another letter. */
const INVISIBLE = [
    "\u200b",
    "\u00ad",
    "\u2060",
    "\ufeff",
    "\u0007",
    "\u001b[31m",
    "\u202e",
    "\u0441",
    "\u0430",
    "\u0435",
];
/** YAML 1.1 booleans: Pulumi users write them; YAML 1.2 reads them as strings. */
const YAML11 = ["no", "off", "yes", "on", "No", "OFF", "Y", "n"];

type Step = {
    name: string;
    apply: (d: Document) => void;
    /** Where a credential was pasted: a later step may overwrite it, so it counts only if it is still there. */
    credential?: { path: Path; value: string };
    section?: string;
};

/** Steps that each edit one section of their own, none of them the clusters'. */
function separate(list: readonly Step[]): boolean {
    const sections = list.map((s) => s.section);
    return (
        list.length > 1 &&
        sections.every((x) => x !== undefined && x !== "runbooks:clusters") &&
        new Set(sections).size === sections.length
    );
}

const at = (l: Leaf) => l.path.slice(1).join(".");

function steps(stack: "stage" | "prod"): fc.Arbitrary<Step>[] {
    const strings = STRING_LEAVES[stack];
    const bools = BOOL_LEAVES[stack];
    const other = stack === "stage" ? "prod" : "stage";
    const otherByPath = new Map(LEAVES[other].map((l) => [JSON.stringify(l.path), l.value]));
    const crossStack = strings.filter((l) => {
        const v = otherByPath.get(JSON.stringify(l.path));
        return typeof v === "string" && v !== l.value;
    });
    const pick = <T>(list: readonly T[]) => fc.constantFrom(...list);
    return [
        // A value of the wrong type.
        fc
            .tuple(
                pick(LEAVES[stack]),
                fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.constant(""), fc.constant("1.10")),
            )
            .map(([l, v]) => ({
                section: String(l.path[1]),
                name: `${at(l)} = ${JSON.stringify(v)}`,
                apply: (d) => d.setIn(l.path, v),
            })),
        // A YAML 1.1 word where a boolean is meant, written as the user would (a plain scalar).
        fc.tuple(pick(bools), pick(YAML11)).map(([l, w]) => ({
            section: String(l.path[1]),
            name: `${at(l)} = ${w} (YAML 1.1)`,
            apply: (d) => d.setIn(l.path, w),
        })),
        // An invisible, control or lookalike character inside a value.
        fc.tuple(pick(strings), pick(INVISIBLE), fc.nat()).map(([l, ch, i]) => {
            const s = String(l.value);
            const k = s.length === 0 ? 0 : i % s.length;
            return {
                section: String(l.path[1]),
                name: `${at(l)} gets U+${ch.codePointAt(0)!.toString(16)}`,
                apply: (d) => d.setIn(l.path, s.slice(0, k) + ch + s.slice(k)),
            };
        }),
        // Case.
        pick(strings).map((l) => ({
            section: String(l.path[1]),
            name: `${at(l)} upper-cased`,
            apply: (d) => d.setIn(l.path, String(l.value).toUpperCase()),
        })),
        // A value copied from another setting of this file (another system's namespace, host, ...).
        fc.tuple(pick(strings), pick(strings)).map(([to, from]) => ({
            name: `${at(to)} = ${at(from)}'s value`,
            apply: (d) => d.setIn(to.path, from.value),
        })),
        // The other stack's value at the same place (a copy-paste between stack files).
        ...(crossStack.length > 0
            ? [
                  pick(crossStack).map((l) => ({
                      section: String(l.path[1]),
                      name: `${at(l)} = ${other}'s value`,
                      apply: (d: Document) => d.setIn(l.path, otherByPath.get(JSON.stringify(l.path))),
                  })),
              ]
            : []),
        // A cluster entry renamed (references follow) and its API server respelt.
        fc
            .tuple(
                pick(["psi", "packit-auto", "ibmcloud-prow", "cern-paas"]),
                fc.constantFrom("", "https://", "HTTPS://"),
                fc.constantFrom("", "/", ":443"),
                fc.boolean(),
            )
            .map(([name, scheme, tail, drop]) => ({
                name: `cluster ${name} renamed${drop ? " without apiServer" : ` apiServer ${scheme}…${tail}`}`,
                apply: (d: Document) => {
                    const entry = d.getIn(["config", "runbooks:clusters", name]);
                    if (entry === undefined) return;
                    d.deleteIn(["config", "runbooks:clusters", name]);
                    d.setIn(["config", "runbooks:clusters", `${name}-2`], entry);
                    const server = d.getIn(["config", "runbooks:clusters", `${name}-2`, "apiServer"]);
                    if (drop) d.deleteIn(["config", "runbooks:clusters", `${name}-2`, "apiServer"]);
                    else if (typeof server === "string") {
                        const host = server.toUpperCase();
                        d.setIn(
                            ["config", "runbooks:clusters", `${name}-2`, "apiServer"],
                            `${scheme}${host}${scheme === "" ? "" : tail}`,
                        );
                    }
                    for (const s of ["thoth", "packit", "stream", "prow", "dials"]) {
                        if (d.getIn(["config", `runbooks:${s}`, "cluster"]) === name)
                            d.setIn(["config", `runbooks:${s}`, "cluster"], `${name}-2`);
                    }
                },
            })),
        // A credential pasted into a plain value.
        fc.tuple(pick(strings), pick(CREDENTIALS)).map(([l, c]) => ({
            section: String(l.path[1]),
            name: `${at(l)} = a pasted credential`,
            apply: (d) => d.setIn(l.path, c),
            credential: { path: l.path, value: c },
        })),
        // A secret-named key in a map whose keys are the user's.
        fc
            .tuple(
                pick([
                    ["config", "runbooks:callysto", "provisioning", "vars"],
                    ["config", "runbooks:callysto", "provisioning", "hubVars"],
                    ["config", "runbooks:thoth", "bots", "seshetaConfig"],
                ]),
                pick(SECRET_KEYS),
                fc.stringMatching(/^[A-Za-z0-9]{12,30}$/),
            )
            .map(([map, key, value]) => ({
                name: `${map.slice(1).join(".")}.${key} = a plain secret`,
                apply: (d) => d.setIn([...map, key], value),
                credential: { path: [...map, key], value },
            })),
        // A huge value.
        pick(strings).map((l) => ({
            section: String(l.path[1]),
            name: `${at(l)} = 5,000 characters`,
            apply: (d) => d.setIn(l.path, "x".repeat(5000)),
        })),
        // A list where a map is meant, or the other way round.
        pick(COLLECTIONS[stack]).map((p) => ({
            name: `${p.slice(1).join(".")} swapped list/map`,
            apply: (d) => {
                const node = d.getIn(p, true) as { toJSON?: () => unknown } | undefined;
                const js = node?.toJSON?.();
                if (js === null || typeof js !== "object") return;
                d.setIn(
                    p,
                    d.createNode(
                        Array.isArray(js)
                            ? Object.fromEntries(js.map((x, k) => [`k${k}`, x]))
                            : Object.values(js),
                    ),
                );
            },
        })),
    ];
}

/** A mutant of one committed stack file: one to three mutations. */
export function mutant(stack: "stage" | "prod"): fc.Arbitrary<Mutant> {
    return fc
        .array(fc.oneof(...steps(stack)), { minLength: 1, maxLength: 3 })
        .map((list) => ({
            alone: separate(list)
                ? list.map((s) => ({ section: s.section!, text: edit(FILES[stack], s.apply) }))
                : [],
            stack,
            text: edit(FILES[stack], (d) =>
                list.forEach((s) => {
                    try {
                        s.apply(d);
                    } catch {
                        // An earlier step changed the shape this one edits (a map swapped for a list): it does not apply.
                    }
                }),
            ),
            steps: list.map((s) => s.name),
            credential: false,
            pasted: list.flatMap((s) => (s.credential ? [s.credential] : [])),
        }))
        .map(({ pasted, ...m }) => ({ ...m, credential: stillThere(m.text, pasted) }));
}

/** Whether a pasted credential is still in the file the last step leaves (a later step may overwrite it). */
function stillThere(text: string, pasted: readonly { path: Path; value: string }[]): boolean {
    if (pasted.length === 0) return false;
    const doc = parseDocument(text);
    return pasted.some((p) => doc.getIn(p.path) === p.value);
}

/** Mutants of either committed file, stage more often (stage is where a mistake reaches production's objects). */
export const mutants: fc.Arbitrary<Mutant> = fc.oneof(
    { weight: 3, arbitrary: mutant("stage") },
    { weight: 1, arbitrary: mutant("prod") },
);
