from . import main
from . import lookup
from . import yeastar
from . import zadarma
from . import threecx
