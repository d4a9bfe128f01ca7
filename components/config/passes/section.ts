import { z } from "zod";
import { formatPath, problemsFromIssues, repairSection, stackFileErrors, textProblems } from "../issues";
import { ConfigProblem, PROJECT, fullKey, keyWithin } from "../problems";
import { ConfigSource, contentKey } from "../source";
import { Passed } from "./pass";

/** One section as its schema reads it. */
export interface SectionRead<T> {
    /** The parsed section; for a section with problems, its readable part (broken fields repaired or defaulted). */
    value?: T;
    /** Keys (without namespace) whose values are wrong: checks about them are not repeated. */
    broken: string[];
    /** Nothing in `value` was guessed: cross-field checks of the system can run on it. */
    exact: boolean;
}

/** Parses one section with its schema; problems instead of exceptions, and what could be read despite them. */
export function parseSection<T>(
    section: string,
    schema: z.ZodType<T>,
    source: ConfigSource,
): Passed<SectionRead<T>> {
    if (source.isSecret(section)) {
        return {
            state: { broken: [section], exact: false },
            problems: [
                {
                    key: fullKey(section),
                    message:
                        "is stored as a secret, but holds plain settings (secrets have keys of their own); in the stack file, replace its secure: value with the section's settings as plain YAML",
                },
            ],
        };
    }
    const value = source.getValue(section);
    // Property tests check many configurations that differ in one setting: the other sections are read again exactly
    // as they were. What a section reads as depends only on its name, its schema and its value, so a value read
    // before is not parsed again.
    const key = contentKey(value);
    const reads = key === undefined ? undefined : sectionReads.get(schema);
    const known = reads?.get(`${section}\n${key}`);
    // Callers own what they are given (a later pass may add to a section it read): each gets its own copy.
    if (known) return structuredClone(known) as Passed<SectionRead<T>>;
    const read = readSection(section, schema, value);
    if (key !== undefined) remember(schema, `${section}\n${key}`, read);
    return read;
}

/** Section reads by schema, then by section name and value: at most {@link SECTION_READS}, for property tests. */
const sectionReads = new Map<z.ZodType, Map<string, Passed<SectionRead<unknown>>>>();
const SECTION_READS = 512;
let remembered = 0;

function remember(schema: z.ZodType, key: string, read: Passed<SectionRead<unknown>>): void {
    let copy: Passed<SectionRead<unknown>>;
    try {
        copy = structuredClone(read);
    } catch {
        return; // a read holding what cannot be copied is computed again next time
    }
    if (remembered >= SECTION_READS) {
        sectionReads.clear();
        remembered = 0;
    }
    let reads = sectionReads.get(schema);
    if (!reads) {
        reads = new Map();
        sectionReads.set(schema, reads);
    }
    reads.set(key, copy);
    remembered++;
}

/** {@link parseSection} of a section's plain value. */
function readSection<T>(section: string, schema: z.ZodType<T>, value: unknown): Passed<SectionRead<T>> {
    const problems: ConfigProblem[] = [...textProblems(section, schema, value)];
    const result = schema.safeParse(value, { error: stackFileErrors });
    if (result.success) return { state: { value: result.data, broken: [], exact: true }, problems };
    problems.push(...problemsFromIssues(section, schema, value, result.error.issues));
    // Read what is readable, so the checks that do not depend on the broken fields still run in this same pass.
    const partial = repairSection(schema, value, result.error.issues);
    const broken: string[] = result.error.issues.flatMap((i) => {
        const path = i.path.filter((p): p is string | number => typeof p !== "symbol");
        return i.code === "unrecognized_keys"
            ? i.keys.map((k) => formatPath(section, [...path, k]))
            : [formatPath(section, path)];
    });
    return { state: { value: partial?.value, broken, exact: partial?.exact ?? false }, problems };
}

/** True when a problem key (with or without the project namespace) is one of the broken keys or lies under one. */
export function underBroken(key: string, broken: readonly string[]): boolean {
    const k = key.startsWith(`${PROJECT}:`) ? key.slice(PROJECT.length + 1) : key;
    return broken.some((b) => keyWithin(k, b));
}
