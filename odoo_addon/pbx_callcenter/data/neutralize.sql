-- Run by Odoo on a neutralised copy of the database (odoo-bin neutralize, odoo.sh staging).
-- Disable every PBX connection: the PBX routes answer 503 integration_disabled and click-to-dial
-- refuses. Inbound tokens, extensions and calls are kept; the module's crons are stopped by base.
UPDATE pbx_connection
   SET enabled = false;

-- Forget how to reach and authenticate to each PBX's API (click-to-dial, extension import,
-- recordings), so that a copy switched back on opens tel: links instead of ringing real phones.
UPDATE pbx_connection
   SET originate_method = 'link',
       originate_url = NULL,
       originate_headers = NULL,
       originate_body = NULL,
       zadarma_api_key = NULL,
       zadarma_api_secret = NULL,
       yeastar_client_id = NULL,
       yeastar_client_secret = NULL,
       yeastar_access_token = NULL,
       yeastar_token_expiry = NULL,
       yeastar_refresh_token = NULL,
       yeastar_refresh_expiry = NULL;
