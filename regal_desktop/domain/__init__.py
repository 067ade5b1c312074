"""The payload, its rules and its checks: pure Python, no Qt and no I/O.

Import from the modules (``domain.check``, ``domain.profile``, ...): the package itself
imports nothing, so a caller that needs one small piece does not pay for the rest at
start-up.
"""
