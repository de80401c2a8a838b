// The gateway's version numbers: the supported releases, the first multi-architecture one, and the Renovate rule
// that keeps the pinned tag current, applied to the real files it watches.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { DEFAULT_IMAGE_TAG } from "../components/args";
import { compareVersions, isMultiArch, MULTI_ARCH_SINCE, parseVersionTag, supportedMinors, supportOf } from "../components/imageVersions";
import { ROOT } from "./harness";

describe("gateway image versions", () => {
    it("parses release tags, and nothing else", () => {
        assert.deepEqual(parseVersionTag("2.13.2"), { major: 2, minor: 13, patch: 2 });
        assert.deepEqual(parseVersionTag("v2.13.0-preview"), { major: 2, minor: 13, patch: 0 });
        assert.deepEqual(["v2", "latest", "2.13", "beta", "2.13.x"].map(parseVersionTag), [
            undefined,
            undefined,
            undefined,
            undefined,
            undefined,
        ]);
        assert.deepEqual(
            [
                ["2.13.0", "2.12.9"],
                ["2.12.9", "2.13.0"],
                ["2.13.2", "2.13.2"],
                ["3.0.0", "2.99.99"],
            ].map(([a, b]) => Math.sign(compareVersions(parseVersionTag(a)!, parseVersionTag(b)!))),
            [1, -1, 0, 1],
        );
    });

    it("multi-architecture from 2.13.0 on (the v2.13.0 release notes); a rolling tag is unknown", () => {
        assert.equal(MULTI_ARCH_SINCE, "2.13.0");
        assert.deepEqual(["2.12.3", "2.13.0", "2.13.2", "2.14.0-preview", "v2"].map(isMultiArch), [false, true, true, true, undefined]);
    });

    it("supports the last three minor releases of the newest major (Microsoft's support policy)", () => {
        assert.deepEqual(supportedMinors("2.13.2"), ["2.13", "2.12", "2.11"]);
        assert.deepEqual(supportedMinors("3.1.0"), ["3.1", "3.0"]);
        assert.deepEqual(
            ["2.13.2", "2.11.0", "2.10.9", "1.2.3", "v2", "3.0.0"].map((t) => supportOf(t, "2.13.2")),
            ["supported", "supported", "unsupported", "unsupported", "unknown", "supported"],
        );
        assert.deepEqual(supportedMinors(), supportedMinors(DEFAULT_IMAGE_TAG));
    });
});

describe("Renovate keeps the pinned gateway tag current", () => {
    const config = JSON.parse(fs.readFileSync(path.join(ROOT, "renovate.json"), "utf8")) as {
        customManagers: {
            managerFilePatterns: string[];
            matchStrings: string[];
            datasourceTemplate: string;
            depNameTemplate: string;
        }[];
        packageRules: { matchPackageNames?: string[]; groupName?: string }[];
    };
    const manager = config.customManagers.find((m) => m.depNameTemplate === "mcr.microsoft.com/azure-api-management/gateway")!;
    /** What the manager captures in a file: every currentValue of every match string (Renovate's "any" strategy). */
    const captured = (file: string) => {
        const text = fs.readFileSync(path.join(ROOT, file), "utf8");
        return manager.matchStrings.flatMap((s) => [...text.matchAll(new RegExp(s, "g"))].map((m) => m.groups?.currentValue));
    };
    const watched = (file: string) => manager.managerFilePatterns.some((p) => new RegExp(p.slice(1, -1)).test(file));

    it("watches the stack files and the component's default, as Docker tags of Microsoft's image", () => {
        assert.deepEqual(
            ["Pulumi.prod.yaml", "Pulumi.dev.yaml", "components/args.ts", "components/specs.ts", "e2e/tests/tsConsumer.e2e.ts"].map(
                watched,
            ),
            [true, true, true, false, false],
        );
        assert.deepEqual(
            [manager.datasourceTemplate, manager.depNameTemplate],
            ["docker", "mcr.microsoft.com/azure-api-management/gateway"],
        );
        assert.equal(
            config.packageRules.find((r) => r.matchPackageNames?.includes(manager.depNameTemplate))?.groupName,
            "self-hosted gateway image",
        );
    });

    it("captures exactly the pinned release in each file (the dev stack's rolling v2 is left alone)", () => {
        assert.deepEqual(captured("Pulumi.prod.yaml"), [DEFAULT_IMAGE_TAG]);
        assert.deepEqual(captured("Pulumi.dev.yaml"), []);
        assert.deepEqual(captured("components/args.ts"), [DEFAULT_IMAGE_TAG]);
        assert.equal(DEFAULT_IMAGE_TAG, "2.13.2");
    });

    it("finds a tag anywhere in a stack file's image block, quoted or not, and not a tag outside it", () => {
        const yaml = (block: string) => `config:\n  apim-gateway:gateway:\n    image:\n${block}    replicas: 3\n`;
        const find = (text: string) =>
            manager.matchStrings.flatMap((s) => [...text.matchAll(new RegExp(s, "g"))].map((m) => m.groups?.currentValue));
        assert.deepEqual(find(yaml('      repository: myacr.azurecr.io/gw\n      tag: "2.12.3"\n')), ["2.12.3"]);
        assert.deepEqual(find(yaml("      pullPolicy: Always # a comment\n      tag: 2.11.0 # pinned\n")), ["2.11.0"]);
        assert.deepEqual(find(yaml("      tag: v2\n")), []);
        assert.deepEqual(find(yaml("      pullPolicy: Always\n    sidecar:\n      tag: 2.1.0\n")), []);
    });
});
