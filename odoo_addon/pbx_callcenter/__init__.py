from . import controllers
from . import models
from . import vendors
from .hooks import pre_init_hook

vendors.load()
