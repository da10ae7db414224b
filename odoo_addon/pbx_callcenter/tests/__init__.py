from . import test_lookup_index
