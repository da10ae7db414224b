// @vitest-environment jsdom
// A call transferred away (issue 13, item 5): the previous user's card says where it went
// (transferred when they had talked on it, answered by another member of a ring group or queue
// when they had not), the new user's card is an ordinary one.
import { afterEach, describe, expect, test } from "vitest";
import { CallPopupStack } from "../../src/components/call_popup_stack/call_popup_stack";
import { CALL_NOTIFICATION, CALL_POPUP_SERVICE, callPopupService } from "../../src/services/call_popup_service";
import type { OdooEnv } from "../../src/odoo/types";
import { mountComponent, nextRender, type Mounted } from "../helpers/mount";
import { busCall, fakeServices } from "../services/fakes";

let mounted: Mounted<CallPopupStack> | undefined;

afterEach(() => {
    mounted?.destroy();
    mounted = undefined;
});

async function notified(...payloads: unknown[]) {
    const services = fakeServices();
    const model = callPopupService.start({ services } as unknown as OdooEnv, services);
    mounted = await mountComponent(CallPopupStack, { env: { services: { ...services, [CALL_POPUP_SERVICE]: model } } });
    for (const payload of payloads) {
        services.notify(CALL_NOTIFICATION, payload);
        await nextRender();
    }
    const card = mounted.target.querySelector<HTMLElement>(".o_pbx_callcenter_popup");
    return { card, state: card?.querySelector(".o_pbx_callcenter_popup_state")?.textContent?.trim() };
}

describe("a transferred call's card", () => {
    test("the previous user's card turns to 'Transferred to ext. 102'", async () => {
        const { card, state } = await notified(
            busCall({ state: "answered", transferred_to: null }),
            busCall({ state: "answered", extension: "102", transferred_to: "102" })
        );
        expect(state).toBe("Transferred to ext. 102");
        expect(card?.dataset.transferredTo).toBe("102");
    });

    test("a ring group's member that never picked up reads 'Answered by ext. 102', not transferred", async () => {
        const { card, state } = await notified(
            busCall({ state: "ringing", transferred_to: null }),
            busCall({ state: "answered", extension: "102", transferred_to: "102" })
        );
        expect(state).toBe("Answered by ext. 102");
        expect(card?.dataset.transferredTo).toBe("102");
    });

    test("the new user's card, and one from before the key existed, show the call's state", async () => {
        expect((await notified(busCall({ state: "answered", extension: "102", transferred_to: null }))).state).toBe("In progress");
        mounted?.destroy();
        const old: Record<string, unknown> = busCall({ state: "answered" });
        delete old.transferred_to;
        expect((await notified(old)).state).toBe("In progress");
    });

    test("an empty transferred_to is refused like any malformed payload", async () => {
        const { card } = await notified(busCall({ transferred_to: "" }));
        expect(card).toBeNull();
    });
});
