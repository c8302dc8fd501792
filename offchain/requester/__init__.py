"""Requester-side helpers used by the demo and the e2e tests: app bundles, buying a bag of tasks, collecting results."""
