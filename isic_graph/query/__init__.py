"""Answering queries: the engine runner with its deadline, the result cache, scopes, and per-client budgets."""
