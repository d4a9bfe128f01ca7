// The evidence's container, Secret-file and queue rules live in components/shared/evidence/check.ts, where the tools'
// bump reader (tools/bump) uses the same implementation; the tests keep importing them from here.
export * from "../../components/shared/evidence/check";
