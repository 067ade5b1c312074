"""Failure drills: the promises (nothing lost, no secret leaked) shown against real faults."""
