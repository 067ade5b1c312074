"""Sending requests to Regal: endpoints, keys, the rate limit, retries and the sender.

Import from the modules (``delivery.sender``, ``delivery.keys``, ...): the package itself
imports nothing, so the window can read a key without loading the HTTP client.
"""
