"""Domain functions: one thing a person does, in one transaction. Routes, the CLI and tests call these."""
