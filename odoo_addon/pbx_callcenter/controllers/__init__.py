from . import main
from . import lookup
from . import yeastar
