import { strict as assert } from "assert";
import { PRODUCTION_SETTINGS } from "../../../components/config/passes/productionSettings";
import { C, PROD, edit, stage, validate } from "../battery";

// Issue 38, finding 4: a setting that selects production's credentials or targets follows the stack's identity.

describe("guards: production-selecting settings follow the stack's identity (issue 38, finding 4)", function () {
    this.timeout(60000);

    for (const s of PRODUCTION_SETTINGS) {
        it(`${s.section}.${s.key}: ${s.production} on stage is refused with stage's own value`, () => {
            const out = validate(stage((d) => d.setIn(C(s.section, s.key), s.production)));
            const mine = out.problems.filter((p) => p.key === `runbooks:${s.section}.${s.key}`);
            assert.equal(mine.length, 1, out.message);
            // What is allowed is stage's own value, said in the message; no command sets it.
            assert.ok(mine[0].message.endsWith(`set it to "${s.otherwise.staging}"`), mine[0].message);
            assert.equal(mine[0].fix, undefined);
            // What the production value implies is not reported on its own, let alone "fixed" to match production.
            assert.deepEqual(
                out.problems.filter((p) => p.key.startsWith(`runbooks:${s.section}.`)).map((p) => p.key),
                [`runbooks:${s.section}.${s.key}`],
                out.message,
            );
        });

        it(`${s.section}.${s.key}: a non-production value on prod is refused`, () => {
            const out = validate(
                edit(PROD, (d) => d.setIn(C(s.section, s.key), s.otherwise.staging)),
                "prod",
            );
            assert.ok(
                out.problems.some(
                    (p) =>
                        p.key === `runbooks:${s.section}.${s.key}` &&
                        p.message.endsWith(`set it to "${s.production}"`),
                ),
                out.message,
            );
        });
    }
});
