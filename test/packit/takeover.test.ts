import { strict as assert } from "assert";
import { loadProgramConfig } from "../../components/config/load";
import { memoryConfigSource } from "../../components/config/source";
import { SYSTEMS } from "../../components/systems";
import { readStackFile } from "../../tools/plan/stackfile";
import { realRunProblems, stackSecrets, liveStackFile } from "../harness";

/** The parts of a Packit/Stream section these tests read. */
interface Section {
    namespace: string;
    deployment: string;
    domain: string;
    postgres: { version: number; claimName?: string; existingPassword?: boolean };
}

const STACKS = ["stage", "prod"] as const;
const SERVICES = ["packit", "stream"] as const;

/** The notices of a committed stack's offline plan (placeholders allowed), as `pulumi up` logs them. */
function notices(stack: (typeof STACKS)[number]): string[] {
    const values = liveStackFile(stack).values;
    const config = loadProgramConfig(
        memoryConfigSource(values, stackSecrets(stack, values), { stack }),
        SYSTEMS,
        {
            placeholderSecret: () => "x",
        },
    );
    return config.notices.map((n) => `${n.system}: ${n.text}`);
}

describe("packit and stream: the running database is taken over in every stack, never started empty", () => {
    for (const stack of STACKS) {
        const section = (s: string) => readStackFile(stack).values[s] as Section;
        for (const service of SERVICES) {
            const ns = section(service).namespace as string;
            it(`${stack} ${service}: a real run stops until the operator sets the claim of ${ns}'s own database`, () => {
                const problem = realRunProblems(stack).find(
                    (p) => p.key === `runbooks:${service}.postgres.claimName`,
                );
                assert.ok(problem, "the claim must be asked for");
                assert.ok(problem.placeholder);
                assert.match(problem.fix ?? "", new RegExp(`^oc -n ${ns} get deployment postgres`));
                assert.equal(
                    section(service).postgres.existingPassword,
                    true,
                    "the running password is kept",
                );
            });

            it(`${stack} ${service}: the notices say the takeover needs a dump and the version check, and how to inspect the certificate`, () => {
                const mine = notices(stack).filter((n) => n.startsWith(`${service}: `));
                const takeover = mine.find((n) => n.includes("DATABASE TAKEOVER"));
                assert.ok(takeover, mine.join("\n"));
                const version = section(service).postgres.version;
                assert.match(takeover, new RegExp(`starts postgres-${version} \\(PostgreSQL ${version}`));
                assert.match(
                    takeover,
                    new RegExp(`npm run adopt -- --stack '?${stack}'? --dump ${ns}=<file>`),
                );
                assert.match(takeover, new RegExp(`oc -n ${ns} scale deployment/postgres --replicas=0`));
                const cert = mine.find((n) => n.includes("CERTIFICATE"));
                assert.ok(cert, mine.join("\n"));
                assert.match(
                    cert,
                    new RegExp(
                        `pulumi config get --stack '?${stack}'? ${service}-packit-secrets-fullchain-pem \\| openssl x509 -noout -subject -issuer -serial -dates`,
                    ),
                );
                const service_host =
                    section(service).deployment === "prod"
                        ? `prod.${section(service).domain}`
                        : `stg.${section(service).domain}`;
                assert.match(cert, new RegExp(`for h in [^;]*${service_host.replace(/\./g, "\\.")}`));
            });
        }
    }

    it("stage borrows nothing of production's database: no claim, namespace or password key in common", () => {
        for (const service of SERVICES) {
            const stage = readStackFile("stage").values[service] as Section;
            const prod = readStackFile("prod").values[service] as Section;
            assert.notEqual(stage.namespace, prod.namespace);
            assert.equal(stage.postgres.claimName, "set-by-operator");
        }
    });
});
