// @vitest-environment jsdom
// The demo rings the login it advertises from a caller it knows: the simulator's defaults, the
// demo data (odoo_addon/pbx_callcenter/demo/pbx_callcenter_demo.xml) and the banner of
// scripts/demo.sh must name the same extension, salesperson and contact.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { DEFAULT_EXTENSION, DEFAULT_PHONE } from "../../../scripts/simulator/options";
import { REPO } from "../helpers/repo";

const demoXml = new DOMParser().parseFromString(
    readFileSync(join(REPO, "odoo_addon/pbx_callcenter/demo/pbx_callcenter_demo.xml"), "utf8"),
    "text/xml"
);
const demoSh = readFileSync(join(REPO, "scripts/demo.sh"), "utf8");

/** The `<field>` of each demo record of `model`, by record id: text, or `ref` when it has one. */
function records(model: string): Map<string, Record<string, string>> {
    const found = new Map<string, Record<string, string>>();
    for (const record of demoXml.querySelectorAll(`record[model="${model}"]`)) {
        const fields: Record<string, string> = {};
        for (const field of record.querySelectorAll(":scope > field")) {
            fields[field.getAttribute("name") ?? ""] = field.getAttribute("ref") ?? field.textContent?.trim() ?? "";
        }
        found.set(record.getAttribute("id") ?? "", fields);
    }
    return found;
}

const users = records("res.users");
const extensions = [...records("pbx.extension").values()];
const partners = records("res.partner");
/** The salesperson the banner advertises: its "salesperson  login X / password Y" line. */
const advertised = /salesperson\s+login (\S+) \/ password (\S+)/.exec(demoSh);

describe("demo", () => {
    test("the banner advertises a salesperson of the demo data, with their password", () => {
        expect(advertised).not.toBeNull();
        const [, login, password] = advertised ?? [];
        expect([...users.values()]).toContainEqual(expect.objectContaining({ login, password }));
    });

    test("the simulator rings the extension of the advertised salesperson", () => {
        const [userId] = [...users].find(([, user]) => user.login === advertised?.[1]) ?? [];
        const bound = extensions.filter((extension) => extension.name === DEFAULT_EXTENSION);
        expect(bound).toHaveLength(1);
        expect(bound[0].user_id).toBe(userId);
    });

    test("the simulator's known number is a demo contact of the advertised salesperson", () => {
        const [userId] = [...users].find(([, user]) => user.login === advertised?.[1]) ?? [];
        // the demo connection reads national numbers as US ones (country base.us)
        const callers = [...partners.values()].filter(
            (partner) => partner.country_id === "base.us" && `+1${(partner.phone ?? "").replace(/\D/g, "")}` === DEFAULT_PHONE
        );
        expect(callers.map((partner) => partner.name)).toEqual(["Grace Caller"]);
        expect(callers[0].user_id).toBe(userId);
    });
});
