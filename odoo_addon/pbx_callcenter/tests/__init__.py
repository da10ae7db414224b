from . import test_lookup_index
from . import test_routes
from . import test_auth
from . import test_validation
from . import test_idempotency
from . import test_click_to_dial
