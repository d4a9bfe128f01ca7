import { strict as assert } from "assert";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { RunbookComponent } from "../../components/shared/component";
import { resetRecorder, settled } from "../harness";

// Issue 28: every child of a component carries the component's name (`<component>-<suffix>`), whoever sets its
// parent, with one explicit opt-in for a name that existing state already holds.

/** A component with one ConfigMap child named `child`, parented through `child()` or by the caller's own options. */
class Part extends RunbookComponent {
    constructor(
        name: string,
        child: string,
        how: "child()" | "own parent" | "kept",
        parentOpts?: pulumi.ComponentResourceOptions,
    ) {
        super("runbooks:test:Part", name, parentOpts);
        const opts = how === "own parent" ? { parent: this } : this.child();
        new k8s.core.v1.ConfigMap(how === "kept" ? this.keepsStateName(child) : child, { data: {} }, opts);
        this.registerOutputs({});
    }
}

/** A component whose child is itself a component. */
class Outer extends RunbookComponent {
    constructor(name: string, inner: string) {
        super("runbooks:test:Outer", name, undefined);
        new Part(inner, `${inner}-config`, "child()", this.child());
        this.registerOutputs({});
    }
}

function throwsNaming(make: () => void, parent: string, child: string): void {
    assert.throws(make, (e: unknown) => {
        assert.ok(pulumi.ResourceError.isInstance(e), `a ResourceError, not ${String(e)}`);
        assert.match((e as Error).message, new RegExp(`"${child}" is a child of "${parent}"`));
        return true;
    });
}

describe("a component's children carry its name", () => {
    beforeEach(() => resetRecorder());

    it("accepts <component>-<suffix>, and the component's own name is not checked against itself", async () => {
        new Part("web", "web-config", "child()");
        const names = (await settled()).map((r) => r.name);
        assert.ok(names.includes("web") && names.includes("web-config"));
    });

    it("refuses a child whose name does not start with the component's, naming both", () => {
        throwsNaming(() => new Part("web", "config", "child()"), "web", "config");
        // A prefix without the separator is another name (`webhook` is not a part of `web`).
        throwsNaming(() => new Part("web", "webhook", "child()"), "web", "webhook");
    });

    it("refuses it also when the child sets its parent itself instead of using child()", () => {
        throwsNaming(() => new Part("web", "config", "own parent"), "web", "config");
    });

    it("checks a child component's name against its parent", () => {
        new Outer("site", "site-web");
        throwsNaming(() => new Outer("site", "web"), "site", "web");
    });

    it("lets a component keep one name from existing state through keepsStateName", async () => {
        new Part("web", "legacy-config", "kept");
        assert.ok((await settled()).some((r) => r.name === "legacy-config"));
    });
});
