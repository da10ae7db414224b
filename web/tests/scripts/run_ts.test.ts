import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { runTs } from "../run_ts";

const dir = mkdtempSync(join(tmpdir(), "run-ts-test-"));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("run_ts", () => {
    test("passes arguments, output and exit code through", async () => {
        const file = join(dir, "echo.ts");
        writeFileSync(file, "const args: string[] = process.argv.slice(2);\nconsole.log(args.join('|'));\nprocess.exit(3);\n");
        const result = await runTs([file, "a b", "--flag"]);
        expect(result).toEqual({ code: 3, stdout: "a b|--flag\n", stderr: "" });
    });

    test("resolves npm packages from the repository", async () => {
        const file = join(dir, "zod.ts");
        writeFileSync(file, 'import { z } from "zod";\nconsole.log(z.string().parse("ok"));\n');
        expect(await runTs([file])).toMatchObject({ code: 0, stdout: "ok\n" });
    });

    test("a file that does not compile exits 1", async () => {
        const file = join(dir, "broken.ts");
        writeFileSync(file, "const = ;\n");
        const result = await runTs([file]);
        expect(result.code).toBe(1);
        expect(result.stderr).toContain("broken.ts");
    });
});
