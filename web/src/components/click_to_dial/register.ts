// Adds the click-to-dial button to Odoo's phone field (its templates are extended in
// click_to_dial.xml), in form, list and kanban views alike.
import { patch } from "../../odoo/hooks";
import { PhoneField } from "../../odoo/phone_field";
import { ClickToDial } from "./click_to_dial";

patch(PhoneField, { components: { ...PhoneField.components, ClickToDial } });
