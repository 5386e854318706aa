"""The channel domain shared by the relay, the management API and the workers."""
