import { z } from "zod";

/** Only the operator knows what a flag was meant to be. */
const MEANT = "the value you meant for this dockerd flag (dockerd --help), or true for a flag without one";

// The jobs' shell sources each flag inside double quotes: no quote, `$`, backslash or space may reach it.
const value = z
    .string()
    .regex(
        /^[A-Za-z0-9:./,_@%+=-]+$/,
        "must be letters, digits and :./,_@%+=- only (the jobs' shell reads it)",
    )
    .meta({ ask: MEANT });

/**
 * dockerd flags of the jobs' docker-in-docker daemons, by name without the dashes: `true` for a bare flag, a list to
 * repeat one (the stack's `prow.jobsDockerFlags`, an environment's default).
 */
export const dockerFlags = z.record(
    z
        .string()
        .regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, "must be a dockerd flag's name without its dashes")
        .meta({ example: "ipv6" }),
    z.union([z.literal(true), value, z.array(value).min(1)]).meta({ ask: MEANT }),
);

/** Each flag as dockerd reads it, in the order written. */
export function dockerFlagArgs(flags: z.infer<typeof dockerFlags>): string[] {
    return Object.entries(flags).flatMap(([name, v]) =>
        v === true ? [`--${name}`] : [v].flat().map((x) => `--${name} ${x}`),
    );
}
