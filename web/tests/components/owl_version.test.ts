// @vitest-environment jsdom
import { App } from "@odoo/owl";
import { expect, test } from "vitest";

test("each project runs the owl version it was defined for", () => {
    expect(process.env.PBX_OWL_EXPECTED).toMatch(/^2\.\d+\.\d+$/);
    expect((App as unknown as { version: string }).version).toBe(process.env.PBX_OWL_EXPECTED);
});
