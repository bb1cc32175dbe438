"""Every write of the awards app: campaigns (``campaigns``), nominations
(``nominations``), the panel (``panel``) and objections (``objections``)."""
