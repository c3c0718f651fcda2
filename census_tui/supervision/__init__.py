"""The supervisor's side of the client (普查指导员): see :mod:`.api`."""
