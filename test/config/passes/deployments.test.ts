import { strict as assert } from "assert";
import { z } from "zod";
import { KindedNotice, notice, taggedNotice } from "../../../components/config/notices";
import { deployments, notices } from "../../../components/config/passes/deployments";
import { SystemRead } from "../../../components/config/passes/systems";
import { defineSystem, registered } from "../../../components/config/systemDefinition";
import { StackTier } from "../../../components/config/system";
import { OPENSTACK, app, cloud } from "./fixtures";

const openstack = OPENSTACK;

/** System n, deployed on psi, whose notices are what `say` makes of its section. */
function deployedSaying(
    say: (section: { enabled: boolean; cluster: string }, program: { tier: StackTier }) => KindedNotice[],
) {
    const def = registered(
        defineSystem({
            section: "n",
            title: "N",
            target: "kubernetes",
            schema: z.object({ enabled: z.boolean(), cluster: z.string() }),
            namespaces: () => [],
            hosts: () => [],
            clusterScoped: () => [],
            secrets: () => [],
            notices: say,
            deploy: () => ({}),
        }),
    );
    return [
        {
            def,
            section: { enabled: true, cluster: "psi" },
            live: true,
            target: { kind: "kubernetes" as const, cluster: "psi" },
        },
    ];
}

describe("pass: what deploy runs", () => {
    const a = app("a");
    const system: SystemRead = {
        def: a,
        parsed: { enabled: true, cluster: "psi" },
        raw: {},
        broken: [],
        problems: [],
    };
    const sections = { a: { enabled: true, cluster: "psi" }, cloud: { enabled: true } };

    it("each enabled system with its section and where it goes", () => {
        assert.deepEqual(
            deployments({
                enabled: [a, cloud],
                sections,
                placements: [{ system, cluster: "psi", fresh: false }],
                openstack,
            }),
            [
                { def: a, section: sections.a, live: true, target: { kind: "kubernetes", cluster: "psi" } },
                { def: cloud, section: sections.cloud, live: true, target: { kind: "openstack", openstack } },
            ],
        );
    });

    it("a system the passes let through without a place is a defect, not a deploy to nowhere", () => {
        assert.throws(
            () => deployments({ enabled: [a], sections, placements: [] }),
            /a was accepted without a cluster/,
        );
        assert.throws(
            () =>
                deployments({
                    enabled: [a],
                    sections,
                    placements: [{ system, cluster: "psi", fresh: true }],
                }),
            /a was accepted without a cluster/,
        );
        assert.throws(
            () => deployments({ enabled: [cloud], sections, placements: [] }),
            /cloud was accepted without an openstack/,
        );
    });

    it("notices come from the checked section, with the system that says them", () => {
        const deployed = deployedSaying((c, { tier }) => [
            notice("SCHEMA MIGRATION", `${tier}: ${c.cluster}`),
        ]);
        assert.deepEqual(notices(deployed, "staging", "stage"), [
            { system: "n", kind: "SCHEMA MIGRATION", text: "staging: psi" },
        ]);
    });

    it("names the stack in every pulumi command a notice prints, so a pasted fix acts on that stack only", () => {
        const deployed = deployedSaying(() => [
            taggedNotice(
                "UNCONFIRMED IMAGE",
                "confirm, then pin: pulumi config set --path n.image x; read it: pulumi stack output n --json; before the first pulumi up",
            ),
        ]);
        assert.deepEqual(notices(deployed, "production", "prod"), [
            {
                system: "n",
                kind: "UNCONFIRMED IMAGE",
                text: "UNCONFIRMED IMAGE confirm, then pin: pulumi config set --stack prod --path n.image x; read it: pulumi stack output --stack prod n --json; before the first pulumi up --stack prod",
            },
        ]);
    });
});
