"""Bad-input fuzzers: payload files, CSV rows and stored settings never crash the product."""
