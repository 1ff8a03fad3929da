"""Email: the outbox and its sender (outbox), reading a received message (reading), and the SMTP
listener and IMAP poller that take replies in (intake)."""
