import { describe, kindOf } from "./k8s";
import { Rule, objectsOf, stringsOf } from "./types";

const RULE_FIELDS = ["apiGroups", "resources", "verbs", "nonResourceURLs"] as const;

/** Roles grant named verbs on named resources: a `*` grants whatever a future API adds, too. */
export const noWildcardRbac: Rule = {
    name: "no-wildcard-rbac",
    description: "Roles and ClusterRoles name their apiGroups, resources and verbs: no '*'.",
    check({ type, props }) {
        const kind = kindOf(type);
        if (kind !== "Role" && kind !== "ClusterRole") return [];
        const violations: string[] = [];
        objectsOf(props.rules).forEach((rule, i) => {
            for (const field of RULE_FIELDS) {
                if (stringsOf(rule[field]).some((v) => v === "*" || v === "*/*")) {
                    violations.push(`${describe(type, props)}: rules[${i}].${field} contains "*"`);
                }
            }
        });
        return violations;
    },
};
