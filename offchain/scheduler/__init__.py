"""One workerpool's scheduler: deal watcher, task manager, assignment, detectors, HTTP API and result store."""
