import { strict as assert } from "assert";
import { noPlainSecrets, secretValueReason } from "../../policy/rules/secrets";
import type { PolicyInput, RuleContext } from "../../policy/rules/types";

// no-plain-secrets on every resource, not only ConfigMaps and container env: a Command's script or environment, an
// annotation, an OpenStack description are plain inputs the state keeps unencrypted. Tokens are assembled from parts
// so no scanner mistakes this file for a leak.

const PROD: RuleContext = { production: true };
const AKIA = `AKIA${"QYLPMN5HHHFPZAM2"}`;
const GHP = `ghp_${"A1b2C3d4E5".repeat(3)}F6g7H8`;

function input(type: string, props: Record<string, unknown>): PolicyInput {
    return { type, props, urn: `urn:pulumi:prod::runbooks::${type}::x`, protect: false };
}

describe("no-plain-secrets on every plain input", () => {
    it("flags an AWS key in a Command's environment and in its script", () => {
        const v = noPlainSecrets.check(
            input("command:local:Command", {
                create: `aws configure set aws_access_key_id ${AKIA}`,
                environment: { ANSIBLE_EXTRA_VARS: JSON.stringify({ aws_access_key_id: AKIA }) },
            }),
            PROD,
        );
        assert.deepEqual(
            v.map((m) => /input (\S+)/.exec(m)![1]),
            ["create", "environment.ANSIBLE_EXTRA_VARS"],
        );
        assert.match(v[0], /access token \(aws\).*treat it as leaked, rotate it, and pass it as a secret/);
    });

    it("flags a token in an annotation of any Kubernetes object", () => {
        const v = noPlainSecrets.check(
            input("kubernetes:apps/v1:Deployment", {
                metadata: { name: "sesheta", namespace: "bots", annotations: { "bot/auth": GHP } },
                spec: {},
            }),
            PROD,
        );
        assert.equal(v.length, 1, v.join("\n"));
        assert.match(
            v[0],
            /^Deployment bots\/sesheta: input metadata\.annotations\.bot\/auth contains an access token \(github\)/,
        );
    });

    it("names every kind found in one value: a URL with a password and the GitHub token in it", () => {
        assert.equal(
            secretValueReason(`https://bot:${GHP}@github.com/org/repo`),
            "contains a URL with a password and an access token (github)",
        );
        const v = noPlainSecrets.check(
            input("kubernetes:core/v1:ConfigMap", {
                metadata: { name: "sesheta", namespace: "bots" },
                data: { settings: `url: https://bot:${GHP}@github.com/org/repo` },
            }),
            PROD,
        );
        assert.equal(v.length, 1, v.join("\n"));
        assert.match(v[0], /URL with a password and an access token \(github\)/);
    });

    it("leaves Secrets, secret-named inputs and ordinary values alone", () => {
        const secret = input("kubernetes:core/v1:Secret", {
            metadata: { name: "aws", namespace: "bots" },
            stringData: { key: AKIA },
        });
        assert.deepEqual(noPlainSecrets.check(secret, PROD), []);
        const command = input("command:local:Command", {
            create: "ansible-playbook site.yml",
            environment: { ANSIBLE_SSH_PRIVATE_KEY: "[secret]", ANSIBLE_LIMIT: "hub", SECRET_VARS: AKIA },
        });
        assert.deepEqual(noPlainSecrets.check(command, PROD), []);
        const provider = input("pulumi:providers:kubernetes", { kubeconfig: `token: ${GHP}` });
        assert.deepEqual(noPlainSecrets.check(provider, PROD), []);
    });
});
