// @vitest-environment jsdom
import { expect, test } from "vitest";
import { registry } from "@web/core/registry";
import "../../src/components/duration_field/register";
import { DURATION_WIDGET, durationField } from "../../src/components/duration_field/duration_field";

test("registers the widget and the formatter under pbx_duration", () => {
    expect(registry.category("fields").get(DURATION_WIDGET)).toBe(durationField);
    const format = registry.category("formatters").get(DURATION_WIDGET) as (value: unknown) => string;
    expect(format(125.4)).toBe("0:02:05");
});
