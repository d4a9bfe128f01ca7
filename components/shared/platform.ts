import { z } from "zod";

/** What a cluster runs: OpenShift (Routes, SCCs, its registry) or plain Kubernetes. */
export const platform = z.enum(["openshift", "kubernetes"]).meta({ example: "openshift" });
export type Platform = z.infer<typeof platform>;
