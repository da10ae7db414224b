from . import main
from . import lookup
