// github-slugger 1.5.0 ships no types. 2.0.0 does, with the same slug rule, but it is an ES module only, which this
// CommonJS build can require only on Node 20.19 and later.
declare module "github-slugger" {
    class GithubSlugger {
        /** GitHub's slug of `value`, numbered `-1`, `-2`, … when this slugger has made that slug before. */
        slug(value: string, maintainCase?: boolean): string;
        /** GitHub's slug of `value`, without numbering. */
        static slug(value: string, maintainCase?: boolean): string;
    }
    export = GithubSlugger;
}
