import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { namedCredentials } from "../config/secretValues";
import { DefinitionError } from "../shared/errors";

// The scripts are constant: every value reaches them through the environment, so nothing from config is ever
// parsed by the shell, and a command's inputs change only when those values do.

/**
 * Writes the SSH key and the inventory into a private temporary directory that is removed on exit. The key is
 * never echoed (no `set -x`) and leaves the environment before Ansible starts.
 */
const PRELUDE = [
    "set -euo pipefail",
    "umask 077",
    'work="$(mktemp -d)"',
    "trap 'rm -rf \"$work\"' EXIT",
    'printf \'%s\\n\' "$ANSIBLE_SSH_PRIVATE_KEY" > "$work/id_rsa"',
    "unset ANSIBLE_SSH_PRIVATE_KEY",
    'printf \'%s\' "$ANSIBLE_INVENTORY_YAML" > "$work/inventory.yml"',
];

/** Checks out the playbooks at the pinned version and runs each one limited to one host or group. */
export const PLAYBOOK_SCRIPT = [
    ...PRELUDE,
    // Variables that are credentials arrive secret-marked in their own variable (encrypted in the state): merged
    // into the private vars file here, they never appear on a command line or in a plain input.
    'vars="$ANSIBLE_EXTRA_VARS"',
    'secret_vars="${ANSIBLE_SECRET_EXTRA_VARS:-}"',
    "unset ANSIBLE_SECRET_EXTRA_VARS",
    'if [ -n "$secret_vars" ] && [ "$secret_vars" != "{}" ]; then',
    '  if [ "$vars" = "{}" ]; then vars="$secret_vars"; else vars="${vars%\\}},${secret_vars#\\{}"; fi',
    "fi",
    'printf \'%s\' "$vars" > "$work/vars.json"',
    'git clone --quiet "$PLAYBOOK_REPO" "$work/repo"',
    'git -C "$work/repo" checkout --quiet "$PLAYBOOK_VERSION"',
    'cd "$work/repo/ansible"',
    // Beside the repository's group_vars/, which Ansible reads next to the inventory (upstream's Makefile runs with
    // -i ./inventory from this directory): written elsewhere, group_vars/all (base_packages, firewalld...) never loads.
    'mv "$work/inventory.yml" inventory.yml',
    // What `make setup` (scripts/role_update.sh) installs: external roles and collections.
    "if [ -f requirements.yml ]; then",
    "  ansible-galaxy role install -r requirements.yml --force --no-deps -p roles/external",
    "  ansible-galaxy collection install -r requirements.yml --force --no-deps -p collections/external",
    "fi",
    "for playbook in $ANSIBLE_PLAYBOOKS; do",
    '  ansible-playbook --private-key "$work/id_rsa" -i inventory.yml --extra-vars "@$work/vars.json" \\',
    '    --limit "$ANSIBLE_LIMIT" "$playbook"',
    "done",
    "",
].join("\n");

/**
 * Ad-hoc modules as root on the limited hosts (the Makefile's `ansible/exec`), one step a line of
 * ANSIBLE_ADHOC_STEPS: the module, a space, its arguments. Each line reaches Ansible as two words, read and never
 * evaluated by this shell; a step that fails stops the ones after it.
 */
export const ADHOC_SCRIPT = [
    ...PRELUDE,
    // Its own descriptor: ansible reads standard input, which would swallow the steps after the first.
    "while IFS=' ' read -r -u 3 module args; do",
    '  [ -n "$module" ] || continue',
    '  ansible "$ANSIBLE_LIMIT" --private-key "$work/id_rsa" -i "$work/inventory.yml" --become \\',
    '    -m "$module" -a "$args"',
    'done 3<<<"$ANSIBLE_ADHOC_STEPS"',
    "",
].join("\n");

interface CommonArgs {
    inventory: pulumi.Input<string>;
    limit: string;
    /** Private key matching the instances' keypair; a secret Output from stack config. */
    sshPrivateKey: pulumi.Input<string>;
    /** The command re-runs (is replaced) when any of these change. */
    triggers: pulumi.Input<unknown[]>;
}

/** A playbook run: the repository at a version, playbooks in order, extra variables. */
export interface PlaybookRunArgs extends CommonArgs {
    repo: string;
    version: string;
    playbooks: string[];
    extraVars: pulumi.Input<Record<string, unknown>>;
    /** Variables whose values are credentials (stack secrets): they reach the run only secret-marked. */
    secretVars?: Record<string, pulumi.Input<string>>;
}

/** One ad-hoc module run: its fully qualified name and its arguments as `ansible -a` takes them (one line). */
export interface AdhocStep {
    module: string;
    args: string;
}

/** Ad-hoc module runs with become, in order, and what else their arguments read from the environment. */
export interface AdhocRunArgs extends CommonArgs {
    steps: readonly AdhocStep[];
    /** Variables the steps read with `lookup('env', ...)`: values that never enter the arguments' text. */
    environment?: Record<string, pulumi.Input<string>>;
}

/** The steps as ADHOC_SCRIPT reads them; a module name or arguments that would split a step is a program bug. */
export function adhocSteps(steps: readonly AdhocStep[]): string {
    for (const step of steps) {
        if (!/^[A-Za-z0-9_.]+$/.test(step.module) || /[\r\n]/.test(step.args)) {
            throw new DefinitionError(`ad-hoc step ${JSON.stringify(step)} does not fit on one line`);
        }
    }
    return steps.map((s) => `${s.module} ${s.args}`).join("\n");
}

function environment(args: CommonArgs, extra: Record<string, pulumi.Input<string>>) {
    return {
        // Marked secret here as well as in config, so the key is encrypted in state whatever its origin.
        ANSIBLE_SSH_PRIVATE_KEY: pulumi.secret(args.sshPrivateKey),
        ANSIBLE_INVENTORY_YAML: args.inventory,
        ANSIBLE_LIMIT: args.limit,
        ANSIBLE_HOST_KEY_CHECKING: "False",
        ANSIBLE_FORCE_COLOR: "0",
        ...extra,
    };
}

/**
 * Extra variables split into the plain ones and those holding a credential (a token, a key, a URL with a password,
 * found by the rule set the config check uses): the latter reach the command only as a secret-marked input.
 */
export function splitExtraVars(vars: Record<string, unknown>): {
    plain: Record<string, unknown>;
    secret: Record<string, unknown>;
} {
    const plain: Record<string, unknown> = {};
    const secret: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(vars)) {
        (namedCredentials(value, name).length > 0 ? secret : plain)[name] = value;
    }
    return { plain, secret };
}

/**
 * The environment that carries the extra variables: plain ones in ANSIBLE_EXTRA_VARS, credentials secret-marked in
 * ANSIBLE_SECRET_EXTRA_VARS (present only when there are any, so a command's inputs change only when they do).
 * Variables known only as an Output are split when known: if any is a credential, the whole ANSIBLE_EXTRA_VARS is
 * secret-marked.
 */
export function extraVarsEnvironment(
    extraVars: pulumi.Input<Record<string, unknown>>,
    secretVars: Record<string, pulumi.Input<string>> = {},
): Record<string, pulumi.Input<string>> {
    if (Object.keys(secretVars).length > 0) {
        // Credentials from stack secrets: ANSIBLE_SECRET_EXTRA_VARS alone carries them, with any the plain ones hold.
        const plain = pulumi.output(extraVars).apply(splitExtraVars);
        return {
            ANSIBLE_EXTRA_VARS: plain.apply((v) => JSON.stringify(v.plain)),
            ANSIBLE_SECRET_EXTRA_VARS: pulumi.secret(
                pulumi
                    .all([plain, pulumi.all(secretVars)])
                    .apply(([v, secrets]) => JSON.stringify({ ...v.secret, ...secrets })),
            ),
        };
    }
    if (pulumi.Output.isInstance(extraVars) || extraVars instanceof Promise) {
        return {
            ANSIBLE_EXTRA_VARS: pulumi.output(extraVars).apply((v): pulumi.Output<string> => {
                const text = JSON.stringify(v);
                return Object.keys(splitExtraVars(v).secret).length > 0
                    ? pulumi.secret(text)
                    : pulumi.output(text);
            }),
        };
    }
    const { plain, secret } = splitExtraVars(extraVars as Record<string, unknown>);
    return {
        ANSIBLE_EXTRA_VARS: JSON.stringify(plain),
        ...(Object.keys(secret).length > 0
            ? { ANSIBLE_SECRET_EXTRA_VARS: pulumi.secret(JSON.stringify(secret)) }
            : {}),
    };
}

/** A local command that runs one of this file's Ansible scripts against hosts of this stack. */
abstract class AnsibleRun extends command.local.Command {
    protected constructor(
        name: string,
        script: string,
        args: CommonArgs,
        extra: Record<string, pulumi.Input<string>>,
        opts: pulumi.CustomResourceOptions,
    ) {
        super(
            name,
            {
                create: script,
                interpreter: ["/bin/bash", "-c"],
                environment: environment(args, extra),
                triggers: args.triggers,
            },
            opts,
        );
    }
}

/** A local command that runs Ansible playbooks against hosts created in this stack. */
export class PlaybookCommand extends AnsibleRun {
    constructor(name: string, args: PlaybookRunArgs, opts: pulumi.CustomResourceOptions) {
        super(
            name,
            PLAYBOOK_SCRIPT,
            args,
            {
                PLAYBOOK_REPO: args.repo,
                PLAYBOOK_VERSION: args.version,
                ANSIBLE_PLAYBOOKS: args.playbooks.join(" "),
                ...extraVarsEnvironment(args.extraVars, args.secretVars),
            },
            opts,
        );
    }
}

/** A local command that runs ad-hoc Ansible modules on hosts of this stack. */
export class AdhocCommand extends AnsibleRun {
    constructor(name: string, args: AdhocRunArgs, opts: pulumi.CustomResourceOptions) {
        super(
            name,
            ADHOC_SCRIPT,
            args,
            { ...args.environment, ANSIBLE_ADHOC_STEPS: adhocSteps(args.steps) },
            opts,
        );
    }
}
