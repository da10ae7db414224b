// Entry point of the tours bundle (static/tests/pbx_callcenter.tours.js, in web.assets_tests):
// browser tests started by the Odoo tests with start_tour. Each tour registers itself.
import "./extension_binding_tour";
import "./recording_player_tour";
import "./click_to_dial_tour";
import "./call_back_tour";
import "./recording_chatter_tour";
import "./call_reports_tour";
import "./setup_screen_tour";
