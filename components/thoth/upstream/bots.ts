import type { ImageEvidence } from "../../shared/evidence/types";
import { unreadImage } from "../../shared/evidence/unread";
import { at, readImage, reads } from "./sources";

// The bots of aicoe-prod-bots and the ultrahooks. Kebechet and Nepthys are released from tags (their .aicoe-ci.yaml
// builds quay.io/thoth-station/<registry-project>:<tag>); Sesheta, the cyborg-regidores pair and ultrahook were built
// in the cluster from master by OpenShift BuildConfigs and their repositories carry no tag of the versions pinned.

const KEBECHET = { repo: "thoth-station/kebechet", commit: "f9e7f65e80343b8e803405b4216a4dae489409b7" };
const PIPENV = { repo: "pypa/pipenv", commit: "dc377ef2d2b38b09bcf6f71ac7aa919e5ecad128" };

/**
 * Kebechet v1.2.4, the last release whose `run` takes the configuration file the runbook's CronJob names
 * (cli.py:74-78); from v1.3.0 `run` manages one repository given by KEBECHET_SERVICE_NAME, _PROJECT_NAMESPACE and
 * _PROJECT_NAME and reads no KEBECHET_CONFIGURATION_PATH (v1.6.8 cli.py:74-78). A token in the configuration is
 * expanded from the environment (config.py:353): config/thoth.yaml names `{KEBECHET_TOKEN}` only.
 */
const KEBECHET_IMAGE = readImage("quay.io/thoth-station/kebechet-job", "v1.2.4", KEBECHET, {
    env: [
        ...reads(KEBECHET, {
            KEBECHET_SUBCOMMAND: "app.sh:23,33-34",
            KEBECHET_VERBOSE: "kebechet/cli.py:51",
            KEBECHET_CONFIGURATION_PATH: "kebechet/cli.py:75",
            // Each `{NAME}` token of the configuration is expanded from the environment: config/thoth.yaml names
            // KEBECHET_TOKEN; a configuration of GitLab or Pagure repositories names their tokens.
            KEBECHET_TOKEN: "kebechet/config.py:353",
            GITLAB_KEBECHET_TOKEN: "kebechet/config.py:353",
            PAGURE_KEBECHET_TOKEN: "kebechet/config.py:353",
        }),
        // init_logging (kebechet/cli.py:32) of thoth-common 0.22.0, its Pipfile.lock's.
        ...reads(
            { repo: "thoth-station/common", commit: "c2ea6005fb0999142b0be6739a41d1d02b191b82" },
            { SENTRY_DSN: "thoth/common/logging.py:43" },
        ),
        // app.sh runs `pipenv run` with pipenv 2020.11.15 (Dockerfile:21).
        ...reads(PIPENV, {
            PIPENV_COLORBLIND: "pipenv/environments.py:95",
            PIPENV_HIDE_EMOJIS: "pipenv/environments.py:143-146",
            PIPENV_NOSPIN: "pipenv/environments.py:203",
        }),
    ],
    files: [
        // HOME=/home/user (Dockerfile:7); git pushes over SSH with the default key (GIT_SSH_COMMAND, app.sh:21).
        { name: "/home/user/.ssh/id_rsa", at: at(KEBECHET, "app.sh", 21) },
        {
            name: "KEBECHET_CONFIGURATION_PATH (an https URL is fetched)",
            at: at(KEBECHET, "kebechet/config.py", "41-44"),
        },
    ],
});

const NEPTHYS = { repo: "thoth-station/nepthys", commit: "5f3c6077240dd734d2e3008b28833030bb39bbde" };
/**
 * Nepthys v0.2.6, pushed as quay.io/thoth-station/nepthys (.aicoe-ci.yaml:8: registry-project nepthys; `nepthys-job`
 * was the in-cluster ImageStream of the templates before db56f42). create_docs.sh builds the docs and pushes them
 * over SSH as GITHUB_USER; it calls no GitHub API, so it reads no token.
 */
const NEPTHYS_IMAGE = readImage("quay.io/thoth-station/nepthys", "v0.2.6", NEPTHYS, {
    env: reads(NEPTHYS, { GITHUB_USER: "create_docs.sh:52", GITHUB_USER_EMAIL: "create_docs.sh:53" }),
    files: [{ name: "/home/user/.ssh/id_rsa", at: at(NEPTHYS, "create_docs.sh", "55,81") }],
});

/** The evidence of the bots and ultrahooks. */
export const BOT_IMAGES: ImageEvidence[] = [
    KEBECHET_IMAGE,
    NEPTHYS_IMAGE,
    unreadImage(
        "quay.io/aicoe/sesheta",
        "v2.3.3",
        { repo: "AICoE/sesheta", commit: "unknown" },
        "AICoE/sesheta has no tag v2.3.3 (its one tag is v0.3.0): 2.3.3 is the `version` annotation of its OpenShift templates at 83cae8d and its __version__ from 041ee91 to 5fca835 (2018-11-16..12-06), commits without the approver.py sesheta-approver runs; the runbook's deployment builds sesheta:latest from master in the cluster (openshift/buildConfig-template.yaml), so which commit a quay.io/aicoe/sesheta:v2.3.3 holds is not known",
    ),
    unreadImage(
        "quay.io/aicoe/webhook2kafka",
        "v0.1.0",
        { repo: "goern/cyborg-regidores", commit: "unknown" },
        "goern/cyborg-regidores has no tags: the runbook's playbook builds webhook2kafka:latest from master in the cluster (openshift/buildConfig.yaml), so no commit is known for v0.1.0; master (9ed2243) serves Flask on 8080 with /healthz (webhook2kafka.py:72,205) and reads GITHUB_WEBHOOK_SECRET and KAFKA_BOOTSTRAP_SERVERS",
    ),
    unreadImage(
        "quay.io/aicoe/normalizers",
        "v0.1.0",
        { repo: "goern/cyborg-regidores", commit: "unknown" },
        "goern/cyborg-regidores has no tags (see webhook2kafka); at master (9ed2243) normalizers.sh runs the faust worker --without-web, which reads KAFKA_BOOTSTRAP_SERVERS and DEBUG only (normalizers.py:39,46)",
    ),
    unreadImage(
        "quay.io/aicoe/ultrahook",
        "v0.1.0",
        { repo: "AICoE/ultrahook-openshift", commit: "unknown" },
        "AICoE/ultrahook-openshift has no tags: its template builds the image from master in the cluster (72cb24b openshift/ultrahook.app.yaml), so no commit is known for v0.1.0",
    ),
    unreadImage(
        "quay.io/aicoe/review-manager",
        "v0.1.0",
        { repo: "unknown", commit: "unknown" },
        "review-manager's source is not public (the runbook: contact the thoth-station admins), so its port 8080 and its variables are unchecked",
    ),
];
