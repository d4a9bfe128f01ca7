import * as pulumi from "@pulumi/pulumi";
import { ServiceEndpoint } from "../../components/shared/endpoints";
import { strict as assert } from "assert";
import { imageRefs, imageSources } from "../../components/dials/images";
import { streamTag } from "../../components/shared/imageRef";
import * as settings from "../../components/dials/settings";
import { unwrap } from "../harness";
import { PROD_WORKSPACE_GROUPS, dialsSection, dialsValues } from "./fixtures";

describe("dials settings (pure)", () => {
    it("builds DJANGO_WORKSPACES as workspace → e-group JSON, in config order", () => {
        const json = settings.djangoWorkspaces([
            { name: "tracker", egroup: "cms-dqm-runregistry-offline-tracker-certifiers" },
            { name: "csc", egroup: "cms-dqm-runregistry-offline-csc-certifiers" },
        ]);
        assert.equal(
            json,
            '{"tracker":"cms-dqm-runregistry-offline-tracker-certifiers","csc":"cms-dqm-runregistry-offline-csc-certifiers"}',
        );
    });

    it("builds the backend ConfigMap of the prod stack from typed config", () => {
        const data = settings.backendConfigMapData(dialsSection(dialsValues("prod")) as never);
        assert.deepEqual(JSON.parse(data.DJANGO_WORKSPACES), PROD_WORKSPACE_GROUPS);
        assert.deepEqual(
            { ...data, DJANGO_WORKSPACES: undefined },
            {
                DJANGO_ENV: "prod",
                DJANGO_DEBUG: "0",
                DJANGO_CACHE_TTL: "30",
                DJANGO_ALLOWED_HOSTS: "cmsdials-api.web.cern.ch cmsdials.web.cern.ch",
                DJANGO_CSRF_TRUSTED_ORIGINS: "https://cmsdials-api.web.cern.ch https://cmsdials.web.cern.ch",
                DJANGO_CORS_ALLOWED_ORIGINS: "https://cmsdials-api.web.cern.ch https://cmsdials.web.cern.ch",
                DJANGO_WORKSPACES: undefined,
                DJANGO_DEFAULT_WORKSPACE: "tracker",
                DJANGO_KEYCLOAK_SERVER_URL: "https://auth.cern.ch/auth/",
                DJANGO_KEYCLOAK_REALM: "cern",
                GUNICORN_N_WORKERS: "3",
                GUNICORN_TIMEOUT: "30",
            },
        );
    });

    it("lists every workspace's database in the ETL ConfigMap", () => {
        assert.deepEqual(settings.etlConfigMapData(dialsSection(dialsValues("prod")) as never), {
            ENV: "prod",
            DATABASES: "csc,ecal,hcal,jetmet,tracker",
        });
    });

    it("builds Redis URLs that stay secret and survive special characters in the password", async () => {
        const url = settings.redisUrl(
            ServiceEndpoint.of("redis-etl-broker", "cms-dials-prod", 6379),
            "p@ss/word",
            2,
        );
        assert.equal(await unwrap(url), "redis://:p%40ss%2Fword@redis-etl-broker:6379/2");
        assert.equal(await pulumi.isSecret(url), true);
    });

    it("serves /static and /nghealth on 8081 and proxies the rest to gunicorn with the gunicorn timeout", () => {
        const conf = settings.backendNginxConf(45);
        assert.ok(conf.includes("listen 8081;"));
        assert.ok(conf.includes("server 127.0.0.1:8000 fail_timeout=0;"));
        assert.match(conf, /location \/static \{/);
        assert.match(conf, /location \/nghealth \{\s+return 200;/);
        assert.ok(conf.includes("proxy_read_timeout 45;"));
        assert.ok(
            conf.includes("access_log /dev/stdout;"),
            "logs reach the container log, not a file named stdout",
        );
    });

    it("imports each image into a stream named as in the source and pulls it through the internal registry", () => {
        const images = dialsSection(dialsValues("prod")).images;
        const sources = imageSources(images);
        // The prod fixture's release is confirmed (as an operator leaves it): each stream imports its digest
        // under the release tag; without a confirmation, or one of another release, the tag itself.
        const { confirmed } = images;
        assert.ok(confirmed);
        assert.deepEqual(sources.etl, {
            stream: "etl",
            tag: images.tag,
            from: `registry.cern.ch/cms-dqmdc/dials-etl@${confirmed.etl}`,
        });
        assert.equal(sources.backend.from, `registry.cern.ch/cms-dqmdc/dials-backend@${confirmed.backend}`);
        assert.equal(
            sources.frontend.from,
            `registry.cern.ch/cms-dqmdc/dials-frontend@${confirmed.frontend}`,
        );
        for (const other of [undefined, { ...confirmed, tag: "v0.9.0" }])
            assert.equal(
                imageSources({ ...images, confirmed: other }).etl.from,
                `registry.cern.ch/cms-dqmdc/dials-etl:${images.tag}`,
            );
        assert.equal(sources.nginx.stream, "nginx-unprivileged");
        const os = imageRefs(sources, "openshift", "cms-dials-prod");
        assert.equal(
            os.etl,
            `image-registry.openshift-image-registry.svc:5000/cms-dials-prod/etl:${images.tag}`,
        );
        const k8s = imageRefs(sources, "kubernetes", "cms-dials-prod");
        assert.equal(k8s.nginx, images.nginx);
        const digest = "a".repeat(64);
        assert.equal(streamTag(`docker.io/nginxinc/nginx-unprivileged@sha256:${digest}`), `sha256-${digest}`);
        assert.equal(streamTag("docker.io/nginxinc/nginx-unprivileged:1.27.4-alpine"), "1.27.4-alpine");
    });
});
