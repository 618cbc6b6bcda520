"""The staff workspace: the queue, one request, the workflow, FAQ editing, the outbox."""
