// @vitest-environment jsdom
import { App } from "@odoo/owl";
import { expect, test } from "vitest";

test("each project runs the owl version odoo ships", () => {
    expect(process.env.PBX_OWL_EXPECTED).toMatch(/^2\.(2\.11|7\.0)$/);
    expect((App as unknown as { version: string }).version).toBe(process.env.PBX_OWL_EXPECTED);
});
