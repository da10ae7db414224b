// @vitest-environment jsdom
import { afterEach, expect, test } from "vitest";
import { DurationField, durationField } from "../../src/components/duration_field/duration_field";
import { mountComponent, type Mounted } from "../helpers/mount";

let mounted: Mounted<DurationField> | null = null;

afterEach(() => {
    mounted?.destroy();
    mounted = null;
});

async function render(value: unknown): Promise<HTMLElement> {
    mounted = await mountComponent(DurationField, {
        props: { id: "talk", name: "talk_time", readonly: true, record: { data: { talk_time: value } } },
    });
    return mounted.target;
}

test("shows the field's seconds as h:mm:ss", async () => {
    const root = await render(3723);
    const span = root.querySelector("span.o_pbx_callcenter_duration");
    expect(span?.textContent).toBe("1:02:03");
    expect(span?.id).toBe("talk");
});

test("shows an empty value as nothing", async () => {
    const root = await render(false);
    expect(root.querySelector("span.o_pbx_callcenter_duration")?.textContent).toBe("");
});

test("is a field widget for integer and float fields", () => {
    expect(durationField.supportedTypes).toEqual(["integer", "float"]);
    expect(durationField.component).toBe(DurationField);
});
